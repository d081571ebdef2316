// Which form of a workbook holding several (egov_xl/excel/scripts.py, _offer_forms). Every script
// that checks the workbook sends the sheets holding a form as xlwings' "runMacro" action naming
// egovForms, from the ribbon's commands too (one runtime for the ribbon and the task pane, like
// egovStamp). With several, the pane's "Biểu mẫu" select offers them, nothing chosen until the
// clerk picks one, as the CLI's --sheet: a revision goes to the province's archive for good, and
// the sheet in front of the clerk may be the findings list or the other form. main.js sends the
// choice as the scripts' `sheet` and shows the chosen sheet in Excel. Without the pane's page
// (a runtime with no document, the Node tests) there is nothing to show.
export function egovForms(context, sheetsJson) {
  const box = globalThis.document && document.getElementById("egov-form-choice");
  if (!box) return;
  const sheets = JSON.parse(sheetsJson);
  const choice = document.getElementById("egov-sheet");
  const kept = choice.value;
  choice.replaceChildren(new Option("— Chọn biểu mẫu —", ""), ...sheets.map((name) => new Option(name, name)));
  choice.value = sheets.includes(kept) ? kept : "";
  box.classList.toggle("d-none", sheets.length < 2);
}

// The sheet chosen, "" when the workbook holds one form (the choice is hidden then).
export function chosenSheet() {
  const box = document.getElementById("egov-form-choice");
  return box.classList.contains("d-none") ? "" : document.getElementById("egov-sheet").value;
}

if (globalThis.xlwings && typeof globalThis.xlwings.registerCallback === "function") {
  globalThis.xlwings.registerCallback(egovForms);
} else {
  globalThis.callbacks = globalThis.callbacks || {};
  globalThis.callbacks.egovForms = egovForms;
}
