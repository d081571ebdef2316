// A stand-in for office.js, for the headless-Chromium test only (tests/test_browser.py copies
// the add-in project to a temporary folder and puts this file where the vendored office.js
// is). It models the Excel objects xlwings Server's client and egov-xl's pages touch, holds
// one workbook (BOOK, filled in by the test), and drives a scenario once the page has loaded:
// the ribbon's Kiểm tra command, then the task pane's Kiểm tra button, then (with BOOK.review)
// the task pane's unit and period set and the review status it shows. With BOOK.scenario false
// the page is left to the test (Playwright), which reaches the workbook, the ribbon's handlers,
// the custom functions and the log through globalThis.egovStandin.
const BOOK = __BOOK__;
const log = [];
const handlers = {};
const functions = {};

function letters(col) {
  let text = "";
  for (col += 1; col; col = Math.floor((col - 1) / 26)) text = String.fromCharCode(65 + ((col - 1) % 26)) + text;
  return text;
}
function a1(address) {
  const m = /\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/.exec(address.split("!").pop());
  const col = (s) => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return { row: Number(m[2]) - 1, col: col(m[1]), row2: Number(m[4] || m[2]) - 1, col2: col(m[3] || m[1]) };
}
const coll = (items = []) => ({ items, load() { return this; } });

function makeSheet(name, position, values) {
  const sheet = { name, position, visibility: "Visible", showGridlines: true, values: values.map((r) => [...r]),
    fills: {}, noteMap: {} };
  const width = () => Math.max(1, ...sheet.values.map((r) => r.length));
  const range = (row, col, rows, cols) => ({
    get address() { return `'${name}'!${letters(col)}${row + 1}:${letters(col + cols - 1)}${row + rows}`; },
    rowCount: rows, columnCount: cols, rowIndex: row, columnIndex: col, isNullObject: false,
    get values() {
      return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) =>
        (sheet.values[row + r] || [])[col + c] ?? ""));
    },
    set values(matrix) {
      matrix.forEach((line, r) => line.forEach((v, c) => {
        while (sheet.values.length <= row + r) sheet.values.push([]);
        sheet.values[row + r][col + c] = v;
      }));
    },
    get numberFormat() { return this.values.map((line) => line.map(() => "General")); },
    get formulas() { return this.values; },
    format: { fill: {
      set color(value) { for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sheet.fills[`${letters(col + c)}${row + r + 1}`] = value; },
      clear() { for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) delete sheet.fills[`${letters(col + c)}${row + r + 1}`]; },
    } },
    select() { log.push(["select", name, this.address]); },
    load() { return this; },
  });
  const used = () => range(0, 0, Math.max(1, sheet.values.length), width());
  Object.assign(sheet, {
    names: coll(), tables: coll(), shapes: coll(), charts: coll(), pivotTables: coll(),
    notes: {
      get items() {
        return Object.keys(sheet.noteMap).map((key) => ({
          getLocation: () => ({ address: `'${name}'!${key}`, load() { return this; } }),
        }));
      },
      load() { return this; },
      getItemOrNullObject(address) {
        const key = address.split("!").pop().replace(/\$/g, "");
        return key in sheet.noteMap ? { isNullObject: false, delete() { delete sheet.noteMap[key]; } }
          : { isNullObject: true };
      },
      add(address, text) { sheet.noteMap[address.split("!").pop().replace(/\$/g, "")] = text; },
    },
    pageLayout: { getPrintAreaOrNullObject: () => ({ isNullObject: true, areas: coll(), load() { return this; } }) },
    load() { return this; },
    activate() { active.name = name; log.push(["activate", name]); },
    getUsedRangeOrNullObject: used, getUsedRange: used,
    getRange(address) { const p = a1(address); return range(p.row, p.col, p.row2 - p.row + 1, p.col2 - p.col + 1); },
    getRangeByIndexes: range,
    getRanges() { return { clear() { sheet.values = []; sheet.fills = {}; } }; },
  });
  return sheet;
}

const active = { name: BOOK.sheets[0].name }; // the sheet in front of the clerk
const sheets = BOOK.sheets.map((s, i) => makeSheet(s.name, i, s.values));
const workbook = {
  name: BOOK.name,
  load() { return this; },
  worksheets: {
    get items() { return sheets; },
    load() { return this; },
    getItem(name) { return sheets.find((s) => s.name === name); },
    getItemOrNullObject(name) { return sheets.find((s) => s.name === name) || { isNullObject: true, load() { return this; } }; },
    getActiveWorksheet() {
      const sheet = sheets.find((s) => s.name === active.name) || sheets[0];
      return { name: sheet.name, position: sheets.indexOf(sheet), load() { return this; } };
    },
    add(name) { const s = makeSheet(name, sheets.length, []); sheets.push(s); return s; },
  },
  application: { calculationMode: "Automatic", load() { return this; } },
  names: { items: [], load() { return this; }, add() {}, getItemOrNullObject() { return { isNullObject: true }; } },
  getSelectedRange() { return { address: `'${sheets[0].name}'!A1`, load() { return this; } }; },
  properties: { custom: { // custom document properties (the validation stamp)
    map: {},
    get items() { return Object.keys(this.map).map((key) => ({ key, delete: () => delete this.map[key] })); },
    load() { return this; },
    add(key, value) { this.map[key] = value; },
  } },
};
const context = { workbook, sync: async () => {} };

globalThis.Office = {
  onReady: (callback) => { const info = { host: "Excel", platform: "PC" }; if (callback) callback(info); return Promise.resolve(info); },
  context: { platform: "PC", requirements: { isSetSupported: () => true },
    ui: { displayDialogAsync: (url) => log.push(["dialog", decodeURIComponent(url)]) } },
  actions: { associate: (name, handler) => { handlers[name] = handler; } },
  AsyncResultStatus: { Failed: "failed" }, EventType: {}, HostType: { Excel: "Excel" },
};
globalThis.Excel = { run: async (fn) => fn(context), ClearApplyTo: { all: "All" },
  RequestContext: function RequestContext() { // what custom functions use
    return { ...context, application: { cultureInfo: { name: "vi-VN", load() {},
      datetimeFormat: { shortDatePattern: "dd/MM/yyyy", load() {} } } } };
  } };
globalThis.CustomFunctions = { associate: (name, fn) => { functions[name] = fn; log.push(["function", name]); }, Error: Error,
  ErrorCode: { invalidValue: "invalidValue" } };

globalThis.egovStandin = { log, handlers, functions, sheets, workbook, active };
if (BOOK.scenario !== false) window.addEventListener("load", () => setTimeout(async () => {
  const out = document.createElement("pre");
  out.id = "egov-test-result";
  try {
    await new Promise((resolve, reject) => handlers["egov-kiem-tra"]
      ? handlers["egov-kiem-tra"]({ completed: () => { log.push(["completed"]); resolve(); } })
      : reject(new Error("egov-kiem-tra was not associated")));
    const form = sheets[0];
    log.push(["fill", "D33", form.fills.D33 || null]);
    log.push(["note", "D33", form.noteMap.D33 || null]);
    log.push(["sheets", sheets.map((s) => s.name)]);
    log.push(["stamp", workbook.properties.custom.map]);
    document.getElementById("egov-validate").click();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const items = [...document.querySelectorAll("#egov-findings li")];
    log.push(["taskpane", items.length, items.length ? items[items.length - 1].textContent : ""]);
    items[items.length - 1]?.click();
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (BOOK.review) {
      document.getElementById("egov-unit").value = BOOK.review.unit;
      document.getElementById("egov-period").value = BOOK.review.period;
      document.getElementById("egov-context").requestSubmit();
      const box = document.getElementById("egov-review");
      for (let i = 0; i < 50 && box.classList.contains("d-none"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      log.push(["review", box.dataset.state || "", box.textContent, box.className, box.children.length]);
    }
  } catch (error) {
    log.push(["error", String(error)]);
  }
  out.textContent = JSON.stringify(log);
  document.body.appendChild(out);
}, 300));
