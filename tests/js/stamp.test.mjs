// The add-in's validation stamp under Node: xlwings Server's own client (copied by
// tests/node_client.py to XLWINGS_JS_DIR) replays the actions our server returned for Kiểm
// tra on a real workbook (EGOV_FIXTURE); its runMacro action calls egovStamp (addin/static/js/
// stamp.js, copied beside this file) against a fake Excel that records custom document properties.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { installOfficeGlobals } from "./office-globals.mjs";

const fixture = JSON.parse(readFileSync(process.env.EGOV_FIXTURE, "utf8"));

function fakeProperties(initial) {
  const store = new Map(Object.entries(initial));
  const calls = [];
  const custom = {
    get items() {
      return [...store.keys()].map((key) => ({ key, delete: () => { calls.push(["delete", key]); store.delete(key); } }));
    },
    load() { return this; },
    add(key, value) {
      assert.equal(typeof value, "string");
      calls.push(["add", key]);
      store.set(key, value);
    },
  };
  return { store, calls, custom };
}

function fakeContext(properties) {
  return { workbook: { properties: { custom: properties.custom } }, sync: async () => {} };
}

installOfficeGlobals();
globalThis.Excel = { run: async (fn) => fn(fakeContext(fakeProperties({}))) };

await import(pathToFileURL(path.join(process.env.XLWINGS_JS_DIR, "custom-scripts", "index.js")).href);
await import("./stamp.js");

const stampActions = fixture.actions.filter((a) => a.func === "runMacro" && a.args[0] === "egovStamp");

test("Kiểm tra's runMacro action writes the stamp as custom properties", async () => {
  assert.equal(stampActions.length, 1);
  const properties = fakeProperties({ "Phòng": "Văn phòng", "EgovXL.Values.9": "stale" });
  await globalThis.xlwings.runActions({ actions: stampActions }, fakeContext(properties));
  const expected = JSON.parse(stampActions[0].args[1]);
  for (const [key, value] of Object.entries(expected)) assert.equal(properties.store.get(key), value);
  assert.equal(properties.store.get("Phòng"), "Văn phòng"); // not ours: kept
  assert.ok(!properties.store.has("EgovXL.Values.9")); // an earlier stamp's extra part: deleted
  assert.equal(properties.store.get("EgovXL.Edition"), fixture.edition);
  for (const value of properties.store.values()) assert.ok(value.length <= 255);
});

test("a second Kiểm tra replaces the first stamp, keys not duplicated", async () => {
  const properties = fakeProperties({});
  const context = fakeContext(properties);
  await globalThis.xlwings.runActions({ actions: stampActions }, context);
  await globalThis.xlwings.runActions({ actions: stampActions }, context);
  const expected = Object.keys(JSON.parse(stampActions[0].args[1])).sort();
  assert.deepEqual([...properties.store.keys()].sort(), expected);
  assert.equal(properties.store.get("EgovXL.ValuesHash"), fixture.valuesHash);
});

test("an Excel without custom properties: the check's other actions still run", async () => {
  const context = { workbook: {}, sync: async () => {} };
  await globalThis.xlwings.runActions({ actions: stampActions }, context); // does not reject
});
