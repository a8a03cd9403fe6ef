import { expect } from "chai";

import { findDuplicateKey } from "../../src/relayer/http/duplicateKeys.js";

describe("findDuplicateKey", function () {
  it("finds a key given twice in one object, with its path and the position of the second", function () {
    const text = '{"intent":{"calls":[{"to":"a"},{"to":"b","to":"c"}]}}';

    expect(findDuplicateKey(text)).to.deep.equal({
      key: "to",
      path: "intent.calls[1].to",
      position: text.lastIndexOf('"to"'),
    });
  });

  it("reads keys as JSON.parse does: an escaped key is the same key", function () {
    expect(findDuplicateKey('{"salt":"0","s\\u0061lt":"1"}')?.path).to.equal("salt");
    expect(findDuplicateKey('{"a\\"b":1,"a\\"b":2}')?.key).to.equal('a"b');
  });

  it("takes the same key in sibling and nested objects, and keys inside strings", function () {
    expect(findDuplicateKey('[{"a":1},{"a":2}]')).to.equal(undefined);
    expect(findDuplicateKey('{"a":{"a":{"a":1}}}')).to.equal(undefined);
    expect(findDuplicateKey('{"a":"{\\"b\\":1,\\"b\\":2}","b":["a","a"]}')).to.equal(undefined);
  });

  it("reads 100,000 levels of nesting without overflowing the stack", function () {
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const twice = `{"x":${'[{"a":'.repeat(10)}1,"a":2${"}]".repeat(10)}}`;

    expect(findDuplicateKey(deep)).to.equal(undefined);
    expect(findDuplicateKey(twice)?.path).to.equal(`x${"[0].a".repeat(9)}[0].a`);
  });
});
