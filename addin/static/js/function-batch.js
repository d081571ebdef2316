// Batches the pure EGOV functions (RATIO, NUM). xlwings Server's custom-functions code posts
// one request per cell per recalculation through globalThis.xwRequest; here the calls of
// pure functions made within a few milliseconds are collected and posted together to
// /egov/functions-batch (egov_xl/excel/batch.py). Each call still resolves or fails exactly
// as its own request would have: a 2xx with {result}, or an error carrying error.response
// with the status and the server's sentence, so xlwings' retry and error display are unchanged.

const EGOV_BATCHED = new Set(["ratio", "num"]);
const EGOV_BATCH_WAIT_MS = 4;
const EGOV_BATCH_MAX = 1000;

function egovInstallBatching(target = globalThis) {
  const original = target.xwRequest;
  if (!original || original.egovBatched) return false;
  let queue = [];
  let timer = null;

  function flush() {
    const items = queue;
    queue = [];
    clearTimeout(timer);
    timer = null;
    // one batch per set of headers (a token refreshed mid-way starts another)
    const groups = new Map();
    for (const item of items) {
      const key = JSON.stringify([item.url, item.opts.headers || {}]);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
    for (const group of groups.values()) send(group);
  }

  async function send(group) {
    const { url, opts } = group[0];
    const batchUrl = url.replace(/\/xlwings\/custom-functions-call$/, "/egov/functions-batch");
    try {
      const response = await original.post(batchUrl, { calls: group.map((item) => item.body) }, opts);
      response.data.results.forEach((answer, index) => {
        const item = group[index];
        if (answer.status >= 200 && answer.status < 300) {
          item.resolve({ data: { result: answer.result }, status: answer.status, statusText: "OK" });
        } else {
          const error = new Error(`Request failed with status ${answer.status}`);
          error.response = { data: answer.error, status: answer.status, statusText: "" };
          item.reject(error);
        }
      });
    } catch (error) {
      group.forEach((item) => item.reject(error));
    }
  }

  function post(url, body, opts = {}) {
    const batchable =
      typeof url === "string" &&
      url.endsWith("/xlwings/custom-functions-call") &&
      body &&
      EGOV_BATCHED.has(body.func_name);
    if (!batchable) return original.post(url, body, opts);
    return new Promise((resolve, reject) => {
      queue.push({ url, body, opts, resolve, reject });
      if (queue.length >= EGOV_BATCH_MAX) flush();
      else if (timer === null) timer = setTimeout(flush, EGOV_BATCH_WAIT_MS);
    });
  }

  target.xwRequest = { ...original, post, egovBatched: true };
  return true;
}

globalThis.egovInstallBatching = egovInstallBatching;
if (!egovInstallBatching()) {
  globalThis.document?.addEventListener("DOMContentLoaded", () => egovInstallBatching());
}
