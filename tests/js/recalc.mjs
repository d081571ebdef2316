// Recalculates EGOV cells the way Excel does, through xlwings Server's own generated
// custom-functions code (fetched from the live server) under Node: every cell calls its
// associated function with 2-D arguments and an invocation. Only the transport is Node's:
// xwRequest (XMLHttpRequest in Excel) is fetch here, counting the HTTP requests.
// EGOV_BASE: server URL; EGOV_CELLS: cells; EGOV_BATCH=1 loads addin/static/js/function-batch.js.
import vm from "node:vm";
import { pathToFileURL } from "node:url";

const base = process.env.EGOV_BASE;
const cells = Number(process.env.EGOV_CELLS || 500);
let requests = 0;

globalThis.window = { location: { origin: base } };
globalThis.config = { onWasm: false, requestTimeout: 300, customFunctionsMaxRetries: 1,
  customFunctionsRetryCodes: [500, 502, 503, 504] };
globalThis.Office = {
  onReady: (callback) => { if (callback) callback({}); return Promise.resolve({}); },
  context: { requirements: { isSetSupported: () => true } },
};
globalThis.Excel = { RequestContext: class { constructor() { this.workbook = { name: "BaoCao.xlsx", load() {} }; }
  async sync() {} } };
const registry = {};
globalThis.CustomFunctions = {
  associate: (name, fn) => { registry[name] = fn; },
  Error: class extends Error { constructor(code, message) { super(message); this.code = code; } },
  ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A" },
};
globalThis.xlwings = { getCultureInfoName: async () => "vi-VN", getDateFormat: async () => "dd/MM/yyyy" };
globalThis.xwRequest = {
  post: async (url, body, opts = {}) => {
    requests++;
    const response = await fetch(url, { method: "POST", headers: opts.headers, body: JSON.stringify(body) });
    const text = await response.text();
    const data = (response.headers.get("content-type") || "").includes("json") ? JSON.parse(text) : text;
    if (response.ok) return { data, status: response.status, statusText: response.statusText };
    const error = new Error(`Request failed with status ${response.status}`);
    error.response = { data, status: response.status, statusText: response.statusText };
    throw error;
  },
};
if (process.env.EGOV_BATCH === "1") {
  await import(pathToFileURL(process.env.EGOV_BATCH_JS).href);
}
const code = await (await fetch(`${base}/xlwings/custom-functions-code.js`)).text();
vm.runInThisContext(code);

async function recalc(offset) {
  requests = 0;
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: cells }, (_, i) =>
    registry.RATIO([[i + 1 + offset]], [[cells * 4]], null, null, { address: `Biểu mẫu 7!H${i + 10}` })));
  const ms = performance.now() - start;
  results.forEach((result, i) => {
    // n / d × 100, two places, half up, in integers (exact): floor((20000 n + d) / 2d) / 100
    const n = i + 1 + offset;
    const d = cells * 4;
    const expected = Math.floor((20000 * n + d) / (2 * d)) / 100;
    if (Math.abs(result[0][0] - expected) > 1e-9) throw new Error(`cell ${i}: ${JSON.stringify(result)} != ${expected}`);
  });
  return { ms, requests };
}

const cold = await recalc(0);
const again = await recalc(0);
const changed = await recalc(1);
console.log(JSON.stringify({ cold, again, changed }));
