#!/usr/bin/env node
// Restores the lockfile entries of platform-specific optional packages that the registry
// reachable from this machine does not serve (EDR's macOS, Windows and ARM bindings).
//
// Without them `npm ci` fails with "Missing: @nomicfoundation/edr-darwin-arm64 ... from lock
// file". Each restored entry carries its os/cpu/libc, so npm skips it on every other platform
// and never needs to download it here. Run after every `npm install` (npm does it through the
// "postinstall" script); it is idempotent and touches only missing entries.
import { readFileSync, writeFileSync } from "node:fs";

const LOCKFILE = new URL("../package-lock.json", import.meta.url);

/** Maps a binding's suffix (e.g. "darwin-arm64", "linux-x64-musl") to npm's platform fields. */
function platformOf(suffix) {
  const [os, cpu, abi] = suffix.split("-");
  const platform = { os: [os], cpu: [cpu] };
  if (abi === "gnu") platform.libc = ["glibc"];
  if (abi === "musl") platform.libc = ["musl"];
  return platform;
}

const PLATFORM_SUFFIX = /-(darwin|linux|win32|freebsd|android)-(arm64|x64|ia32|arm)(-(gnu|musl|msvc|eabi))?$/;

const lock = JSON.parse(readFileSync(LOCKFILE, "utf8"));
const packages = lock.packages ?? {};
const restored = [];

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const suffix = name.match(PLATFORM_SUFFIX);
    if (!suffix) continue;
    const key = `node_modules/${name}`;
    if (packages[key] || packages[`${path}/${key}`]) continue;
    packages[key] = {
      version,
      ...platformOf(suffix[0].slice(1)),
      dev: entry.dev ?? undefined,
      optional: true,
    };
    restored.push(`${name}@${version}`);
  }
}

if (restored.length > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
  );
  writeFileSync(LOCKFILE, JSON.stringify(lock, null, 2) + "\n");
  console.log(`restore-lock-platforms: restored ${restored.length} entries: ${restored.join(", ")}`);
}
