// Runs xlwings Server's own JavaScript client (the installed package's static/js, copied by
// tests/test_js_client.py to XLWINGS_JS_DIR) under Node with a small fake Office/Excel, and
// replays the actions our server returned for a real workbook (EGOV_FIXTURE), with the add-in's
// runMacro callbacks (stamp.js, forms.js) beside it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { installOfficeGlobals } from "./office-globals.mjs";

const fixture = JSON.parse(readFileSync(process.env.EGOV_FIXTURE, "utf8"));
const dialogs = [];

function a1(address) {
  const match = /^\$?([A-Z]+)\$?(\d+)$/.exec(address.split("!").pop());
  let col = 0;
  for (const ch of match[1]) col = col * 26 + ch.charCodeAt(0) - 64;
  return [Number(match[2]) - 1, col - 1];
}

class FakeRange {
  constructor(sheet, row, col, rows, cols) {
    Object.assign(this, { sheet, row, col, rowCount: rows, columnCount: cols });
    const range = this;
    this.format = {
      fill: {
        set color(value) {
          range.each((r, c) => sheet.fills.set(`${r},${c}`, value));
        },
        clear() {
          range.each((r, c) => sheet.fills.delete(`${r},${c}`));
        },
      },
    };
  }
  each(fn) {
    for (let r = 0; r < this.rowCount; r++) for (let c = 0; c < this.columnCount; c++) fn(this.row + r, this.col + c);
  }
  set values(matrix) {
    matrix.forEach((line, r) => line.forEach((v, c) => this.sheet.cells.set(`${this.row + r},${this.col + c}`, v)));
  }
  load() {
    return this;
  }
}

class FakeSheet {
  constructor(name, position) {
    this.name = name;
    this.position = position;
    this.cells = new Map();
    this.fills = new Map();
    this.noteMap = new Map();
    const sheet = this;
    this.notes = {
      getItemOrNullObject(address) {
        const key = a1(address).join(",");
        return sheet.noteMap.has(key)
          ? { isNullObject: false, delete: () => sheet.noteMap.delete(key) }
          : { isNullObject: true };
      },
      add(address, text) {
        sheet.noteMap.set(a1(address).join(","), text);
      },
    };
  }
  getRangeByIndexes(row, col, rows, cols) {
    return new FakeRange(this, row, col, rows, cols);
  }
  getRange(address) {
    const [row, col] = a1(address);
    return new FakeRange(this, row, col, 1, 1);
  }
  getRanges() {
    return { clear: () => { this.cells.clear(); this.fills.clear(); } };
  }
  load() {
    return this;
  }
}

function fakeContext(names) {
  const items = names.map((name, i) => new FakeSheet(name, i));
  const worksheets = {
    items,
    load() {
      return this;
    },
    add(name) {
      const sheet = new FakeSheet(name, items.length);
      items.push(sheet);
      return sheet;
    },
  };
  const custom = { map: new Map(), items: [], load() { return this; }, add(key, value) { this.map.set(key, value); } };
  return { workbook: { worksheets, names: { add() {} }, properties: { custom } }, sync: async () => {} };
}

installOfficeGlobals(dialogs);
globalThis.Excel = { run: async (fn) => fn(fakeContext([])), ClearApplyTo: { all: "All", formats: "Formats", contents: "Contents" } };

await import(pathToFileURL(path.join(process.env.XLWINGS_JS_DIR, "custom-scripts", "index.js")).href);
await import("./stamp.js"); // the add-in's runMacro callbacks (addin/static/js/stamp.js, forms.js), as the task pane loads them
await import("./forms.js");

test("the real client applies egov-xl's Kiểm tra actions", async () => {
  const context = fakeContext(fixture.sheets);
  await globalThis.xlwings.runActions({ actions: fixture.actions }, context);
  const [form, report] = context.workbook.worksheets.items;
  assert.equal(report.name, "Kiểm tra");
  assert.equal(form.fills.get("32,3"), "#FFC7CE"); // D33: 6.5.1 blamed, red
  assert.equal(form.fills.get("15,3"), "#FFEB9C"); // D16: a heading with a value, yellow
  assert.match(form.noteMap.get("32,3"), /mẫu số 6\.5\.1 bằng 0 nên tỷ lệ phải để trống, nhưng đang ghi 8%/);
  assert.equal(report.cells.get("1,1"), "Mức độ");
  assert.equal(report.cells.get("2,3"), "=HYPERLINK(\"#'Phụ lục VII'!D7\",\"D7\")");
  assert.equal(context.workbook.properties.custom.map.get("EgovXL.Edition"), "pl7-2022"); // the validation stamp
  assert.equal(dialogs.length, 1);
  assert.match(decodeURIComponent(dialogs[0]), /Kiểm tra xong: 11 lỗi, 1 cảnh báo, 4 lưu ý/);
});

test("a second check's actions delete the old notes before adding new ones", async () => {
  const context = fakeContext(fixture.sheets);
  const form = context.workbook.worksheets.items[0];
  await globalThis.xlwings.runActions({ actions: fixture.actions }, context);
  await assert.rejects(
    globalThis.xlwings.runActions({ actions: fixture.actions.filter((a) => a.func === "addNote") }, context),
    /already exists/,
  );
  assert.ok(form.noteMap.size > 0);
});
