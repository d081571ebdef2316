// The browser and Office globals xlwings Server's client reads when it is imported under Node
// (shared by client.test.mjs and stamp.test.mjs). Dialogs opened are pushed to `dialogs`.
export function installOfficeGlobals(dialogs = []) {
  globalThis.document = {
    getElementById: (id) =>
      id === "config" ? { textContent: JSON.stringify({ appPath: "", onWasm: false, isOfficialLiteAddin: false }) } : null,
    addEventListener() {},
    querySelector: () => null,
    querySelectorAll: () => [],
  };
  globalThis.window = { location: { origin: "https://egov.test" } };
  globalThis.Office = {
    onReady: async () => ({}),
    context: {
      platform: "PC",
      requirements: { isSetSupported: () => true },
      ui: { displayDialogAsync: (url) => dialogs.push(url) },
    },
    actions: { associate() {} },
    AsyncResultStatus: { Failed: "failed" },
    EventType: {},
  };
  return dialogs;
}
