// The validation stamp (egov_xl/core/stamp.py, egov_xl/excel/stamp.py). After Kiểm tra the
// server sends the stamp as xlwings' "runMacro" action naming egovStamp, with the properties
// as JSON ({"EgovXL.Edition": "bm7-2025", …}); xlwings Server's client calls this function with
// the request's Excel context. They become the workbook's custom document properties (invisible
// on paper, kept by Excel on save); an earlier stamp's properties that the new one lacks (a
// longer list of values split over more parts) are deleted first. A stamp that cannot be written
// (an Excel without custom properties) never spoils the check: the workbook is then unstamped,
// which `egov-xl stamp verify` reports as such.
const EGOV_STAMP_PREFIX = "EgovXL.";

export async function egovStamp(context, propertiesJson) {
  try {
    await writeStamp(context, JSON.parse(propertiesJson));
  } catch (error) {
    console.warn("egov-xl: the validation stamp was not written:", error);
  }
}

async function writeStamp(context, properties) {
  const custom = context.workbook.properties.custom;
  custom.load("items/key");
  await context.sync();
  for (const item of custom.items) {
    if (item.key.startsWith(EGOV_STAMP_PREFIX) && !(item.key in properties)) item.delete();
  }
  for (const [key, value] of Object.entries(properties)) custom.add(key, String(value));
  await context.sync();
}

if (globalThis.xlwings && typeof globalThis.xlwings.registerCallback === "function") {
  globalThis.xlwings.registerCallback(egovStamp);
} else {
  globalThis.callbacks = globalThis.callbacks || {};
  globalThis.callbacks.egovStamp = egovStamp;
}
