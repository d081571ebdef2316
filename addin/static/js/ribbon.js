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

// A script call of ours: the workbook as xlwings' client sends it, our details and arguments,
// the token from getAuth (addin/static/js/auth.js), the reply's actions applied. Unlike
// xlwings.runPython, which shows a failure itself and then returns as if all went well, a
// refusal or failure (401, 403, 429, 413, 5xx, no answer) is thrown as an EgovFailure carrying
// one Vietnamese sentence, for the ribbon's dialog and the task pane to show.
async function egovRun(scriptName, args) {
  await egovRequireSignIn();
  const authResult =
    typeof globalThis.getAuth === "function"
      ? await globalThis.getAuth()
      : { token: "", provider: "" };
  const details = await egovDetails();
  const headers = { "Auth-Provider": authResult.provider, "X-Egov-Session": egovClientId() };
  await Excel.run(async (context) => {
    const payload = await xlwings.getBookData({ auth: authResult.token, headers: headers }, context);
    payload.args = [details, ...args];
    const url = `${window.location.origin}${config.appPath}/xlwings/custom-scripts-call/${scriptName}`;
    let response;
    try {
      response = await globalThis.xwRequest.post(url, payload, {
        headers: headers,
        timeout: config.requestTimeout * 1000,
      });
    } catch (error) {
      throw new EgovFailure(error);
    }
    if (response.data != null) {
      await xlwings.runActions(response.data, context);
    }
  });
}

// A failure of a ribbon command, in xlwings' dialog (the one the scripts' messages use), with
// a Vietnamese title.
const EGOV_ALERTS = new URL("./alerts/parent.js", document.currentScript ? document.currentScript.src
  : `${window.location.origin}/static/js/ribbon.js`).href;
const EGOV_FAILURE_TITLE = "egov-xl – Không thực hiện được";

async function egovShowFailure(error) {
  const text = error instanceof EgovFailure ? error.message : egovFailureText(error);
  try {
    const { xlAlert } = await import(EGOV_ALERTS);
    await xlAlert(text, EGOV_FAILURE_TITLE, "ok", "critical", "");
  } catch (shown) {
    console.error(text, shown);
  }
}

function egovCommand(scriptName) {
  return async (event) => {
    try {
      await egovRun(scriptName, ["alert"]);
    } catch (error) {
      await egovShowFailure(error);
    } finally {
      event.completed();
    }
  };
}

globalThis.egovDetails = egovDetails;
globalThis.egovRun = egovRun;
globalThis.egovShowFailure = egovShowFailure;

Office.actions.associate("egov-kiem-tra", egovCommand("kiem_tra"));
Office.actions.associate("egov-lam-moi-so-sanh", egovCommand("lam_moi_so_sanh"));
Office.actions.associate("egov-luu-ky-bao-cao", egovCommand("luu_ky_bao_cao"));
Office.actions.associate("egov-tong-hop", egovCommand("tong_hop"));
