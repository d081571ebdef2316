// egov-xl ribbon commands. Each FunctionName in templates/manifest.xml is associated here
// and runs the Python script of the same purpose (egov_xl/excel/scripts.py).
//
// Office.js sends cell values only; number formats and formulas are read here and passed as
// the script's first argument, so the engine knows a 98,64% cell from 0,9864. Both are sent
// sparse ({"row,col": value}, 0-based from A1): a form has few non-General cells.

const EGOV_MAX_ROWS = 500; // forms are short; a long data sheet is not read past this
const EGOV_MAX_COLS = 26;

async function egovDetails() {
  const details = {};
  await Excel.run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load("items/name");
    await context.sync();
    const used = sheets.items.map((sheet) => {
      const range = sheet.getUsedRangeOrNullObject(true);
      range.load("rowIndex,columnIndex,rowCount,columnCount");
      return [sheet, range];
    });
    await context.sync();
    const blocks = [];
    for (const [sheet, range] of used) {
      if (range.isNullObject) continue;
      const rows = Math.min(range.rowIndex + range.rowCount, EGOV_MAX_ROWS);
      const cols = Math.min(range.columnIndex + range.columnCount, EGOV_MAX_COLS);
      const block = sheet.getRangeByIndexes(0, 0, rows, cols);
      block.load("numberFormat,formulas");
      blocks.push([sheet.name, block]);
    }
    await context.sync();
    // sparse: only cells whose format is not General, only cells holding a formula
    for (const [name, block] of blocks) {
      const formats = {};
      const formulas = {};
      block.numberFormat.forEach((row, r) =>
        row.forEach((format, c) => {
          if (format && format !== "General") formats[`${r},${c}`] = format;
        }),
      );
      block.formulas.forEach((row, r) =>
        row.forEach((formula, c) => {
          if (typeof formula === "string" && formula.startsWith("=")) formulas[`${r},${c}`] = formula;
        }),
      );
      details[name] = { formats: formats, formulas: formulas };
    }
  });
  return JSON.stringify(details);
}

// The id xlwings Server's custom-functions code keeps for this Excel client and sends with
// every function call (session_id). Scripts send it too, so that without sign-in the server
// keeps one clerk's function context (unit, period, latest Kiểm tra) apart from another's.
function egovClientId() {
  try {
    return localStorage.getItem("xlwingsSessionId") || "";
  } catch {
    return "";
  }
}

async function egovRun(scriptName, args) {
  const authResult =
    typeof globalThis.getAuth === "function"
      ? await globalThis.getAuth()
      : { token: "", provider: "" };
  const details = await egovDetails();
  await xlwings.runPython({
    scriptName: scriptName,
    auth: authResult.token,
    headers: { "Auth-Provider": authResult.provider, "X-Egov-Session": egovClientId() },
    args: [details, ...args],
  });
}

function egovCommand(scriptName) {
  return async (event) => {
    try {
      await egovRun(scriptName, ["alert"]);
    } finally {
      event.completed();
    }
  };
}

globalThis.egovDetails = egovDetails;
globalThis.egovRun = egovRun;

Office.actions.associate("egov-kiem-tra", egovCommand("kiem_tra"));
Office.actions.associate("egov-lam-moi-so-sanh", egovCommand("lam_moi_so_sanh"));
Office.actions.associate("egov-luu-ky-bao-cao", egovCommand("luu_ky_bao_cao"));
Office.actions.associate("egov-tong-hop", egovCommand("tong_hop"));
