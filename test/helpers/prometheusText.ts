/** One sample line of the Prometheus text format: `name{labels} value`. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A text exposition, read: each metric family's type and help, and every sample. */
export interface PrometheusText {
  types: Map<string, string>;
  helps: Map<string, string>;
  samples: PrometheusSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)",?/gy;
/** A value as Prometheus reads it (Go's ParseFloat): NaN and Inf in any case. */
const VALUE = /^(-?[0-9.]+(?:e[+-]?[0-9]+)?|[+-]Inf|NaN)$/i;

/**
 * Reads the text format, version 0.0.4, strictly: a line that is neither a `# HELP`/`# TYPE`
 * comment, blank, nor a well-formed sample throws, naming it.
 *
 * @example
 * const { types, samples } = parsePrometheusText(await metrics.render());
 * types.get("relayer_balance_wei"); // "gauge"
 */
export function parsePrometheusText(text: string): PrometheusText {
  const parsed: PrometheusText = { types: new Map(), helps: new Map(), samples: [] };
  for (const line of text.split("\n")) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment !== null) {
      const target = comment[1] === "TYPE" ? parsed.types : parsed.helps;
      target.set(comment[2], comment[1] === "TYPE" ? comment[3] : unescape(comment[3]));
    } else if (line !== "") parsed.samples.push(parseSample(line));
  }
  return parsed;
}

/** One sample line; throws if it is not one. */
function parseSample(line: string): PrometheusSample {
  const match = SAMPLE.exec(line);
  if (match === null || !VALUE.test(match[3])) throw new Error(`not a sample line: ${line}`);
  const labels: Record<string, string> = {};
  const body = match[2] ?? "";
  LABEL.lastIndex = 0;
  let label: RegExpExecArray | null;
  while (LABEL.lastIndex < body.length && (label = LABEL.exec(body)) !== null) {
    labels[label[1]] = unescape(label[2]);
  }
  if (LABEL.lastIndex !== body.length) throw new Error(`bad labels in: ${line}`);
  return { name: match[1], labels, value: Number(match[3].replace(/^([+-])inf$/i, "$1Infinity")) };
}

/** A label value or help text with its `\\`, `\"` and `\n` escapes undone. */
function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, escaped: string) => (escaped === "n" ? "\n" : escaped));
}

/**
 * The value of the sample `name` with exactly `labels`, or undefined.
 *
 * @example
 * sampleValue(parsed, "relayer_intents", { status: "queued" }); // 3
 */
export function sampleValue(
  parsed: PrometheusText,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return parsed.samples.find(
    (sample) =>
      sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
  )?.value;
}
