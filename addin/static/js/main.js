import "./function-batch.js"; // pure EGOV functions in batches (RATIO, NUM)
import "./stamp.js"; // the validation stamp written after Kiểm tra (egovStamp)
import { chosenSheet } from "./forms.js"; // which form of a workbook holding several (egovForms)

// egov-xl task pane: unit and period, the actions, the list of findings (read back from the
// sheet "Kiểm tra" the scripts write), selecting a finding's cell, accepting warnings, and where
// the report stands (a return for correction shows its reason), told by the script trang_thai;
// the clerk's sign-in (the token is kept and sent by auth.js); and, for a workbook holding several
// forms, which one Làm mới so sánh, Tổng hợp and Lưu kỳ báo cáo work on. Each action's outcome
// is the script's own sentence, or a failure in red; "Xong." only when the script said nothing.
const REPORT_SHEET = "Kiểm tra";
const accepted = new Map(); // "rule|code" -> {rule, code, reason}

function el(id) {
  return document.getElementById(id);
}

// The pane's one-line status; a failure is shown as such (red, data-state="failed"), never as "Xong."
function status(text, state = "") {
  const box = el("egov-status");
  box.textContent = text;
  box.dataset.state = state;
  box.classList.toggle("text-danger", state === "failed");
}

function contextArgs() {
  return [el("egov-unit").value.trim(), el("egov-period").value.trim()];
}

async function readNamedContext() {
  await Excel.run(async (context) => {
    const names = ["EGOV_DON_VI", "EGOV_KY_BAO_CAO", "EGOV_NAM"].map((name) => {
      const item = context.workbook.names.getItemOrNullObject(name);
      return item;
    });
    await context.sync();
    const ranges = names.map((item) => (item.isNullObject ? null : item.getRange()));
    ranges.forEach((range) => range && range.load("values"));
    await context.sync();
    const [unit, kind, year] = ranges.map((range) => (range ? range.values[0][0] : ""));
    if (unit && !el("egov-unit").value) el("egov-unit").value = unit;
    if (kind && !el("egov-period").value) el("egov-period").value = `${kind} ${year || ""}`.trim();
  });
}

async function readFindings() {
  const items = [];
  await Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.getItemOrNullObject(REPORT_SHEET);
    await context.sync();
    if (sheet.isNullObject) return;
    const used = sheet.getUsedRange();
    used.load("values");
    await context.sync();
    for (const row of used.values.slice(2)) {
      if (!row[4]) continue;
      items.push({ severity: row[1], code: String(row[2]), message: row[4], rule: row[7], ref: row[8] });
    }
  });
  return items;
}

function renderFindings(items) {
  const list = el("egov-findings");
  list.replaceChildren();
  for (const item of items) {
    const li = document.createElement("li");
    li.className = "mb-1 egov-finding";
    li.dataset.ref = item.ref || "";
    const text = document.createElement("span");
    text.textContent = `[${item.severity}] ${item.message}`;
    li.appendChild(text);
    if (item.rule && item.severity && item.severity.startsWith("Cảnh báo")) {
      const key = `${item.rule}|${item.code}`;
      const reason = document.createElement("input");
      reason.className = "form-control form-control-sm mt-1";
      reason.placeholder = "Chấp nhận cảnh báo này vì…";
      reason.value = accepted.has(key) ? accepted.get(key).reason : "";
      reason.addEventListener("click", (event) => event.stopPropagation());
      reason.addEventListener("change", () => {
        if (reason.value.trim()) {
          accepted.set(key, { rule: item.rule, code: item.code, reason: reason.value.trim() });
        } else {
          accepted.delete(key);
        }
      });
      li.appendChild(reason);
    }
    li.addEventListener("click", () => selectCell(li.dataset.ref));
    list.appendChild(li);
  }
}

async function selectCell(ref) {
  if (!ref) return;
  const bang = ref.lastIndexOf("!");
  const sheetName = ref.slice(0, bang).replace(/^'|'$/g, "");
  const address = ref.slice(bang + 1);
  await Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.getItem(sheetName);
    sheet.activate();
    sheet.getRange(address).select();
    await context.sync();
  });
}

// Called through the actions of a "silent" script's reply (runMacro): its one sentence, and
// "refused" when it did nothing (a save refused for errors, another unit, a unit unknown).
let said = null;
function egovSaid(context, text, state) {
  said = { text: String(text), state: String(state) };
}

function signedOut() {
  return el("egov-signin").dataset.state === "signed-out";
}

async function act(scriptName, extra, notify = "silent") {
  if (signedOut()) { // no call that can only be refused (and counted as a wrong token)
    renderFindings([]);
    status("Chưa đăng nhập: hãy nhập mã truy cập do quản trị viên cấp ở mục Đăng nhập phía trên. "
      + "Chưa có gì được thực hiện.", "failed");
    return false;
  }
  // (egovRun refuses too while no token is kept: the ribbon's commands have no pane state)
  status("Đang xử lý…");
  said = null;
  try {
    await globalThis.egovRun(scriptName, [notify, "vi", ...extra]);
  } catch (error) {
    renderFindings([]); // nothing was checked: no list that could pass for a clean form
    status(error instanceof globalThis.EgovFailure ? error.message : globalThis.egovFailureText(error), "failed");
    if (error.status === 401) await showSignedOut("");
    return false;
  }
  renderFindings(await readFindings());
  if (said && said.state === "refused") {
    status(said.text, "failed");
    return false;
  }
  status(said ? said.text : "Xong.");
  return true;
}

// Picking a form shows its sheet in Excel, so the clerk sees what will be compared or saved.
async function showSheet(name) {
  if (!name) return;
  try {
    await Excel.run(async (context) => {
      context.workbook.worksheets.getItem(name).activate();
      await context.sync();
    });
  } catch (error) {
    console.error(error);
  }
}

// Sign-in (addin/static/js/auth.js keeps the token and hands it to every call) ----------------

function signinStatus(text, state = "") {
  const box = el("egov-signin-status");
  box.textContent = text;
  box.dataset.state = state;
  box.classList.toggle("text-danger", state === "failed");
}

function describe(who) {
  const units = who.units.map((unit) => (unit.name ? `${unit.code} (${unit.name})` : unit.code)).join(", ");
  const id = who.id && who.id !== who.name ? ` – mã số ${who.id}` : "";
  const scope = who.consolidates ? "; đơn vị tổng hợp: xem được cả các đơn vị cấp dưới" : "";
  return `Đã đăng nhập: ${who.name}${id}. Đơn vị báo cáo: ${units || "chưa có"}${scope}.`;
}

function showSignedIn(who) {
  el("egov-signin-form").classList.add("d-none");
  el("egov-signed-in").classList.remove("d-none");
  el("egov-signout").classList.toggle("d-none", !globalThis.egovSignIn.custom());
  el("egov-who").textContent = describe(who);
  el("egov-signin").dataset.state = "signed-in";
  if (!el("egov-unit").value && who.units.length === 1) el("egov-unit").value = who.units[0].code;
}

async function showSignedOut(text) {
  await globalThis.egovSignIn.forget();
  el("egov-token").value = "";
  el("egov-signin-form").classList.remove("d-none");
  el("egov-signed-in").classList.add("d-none");
  el("egov-who").textContent = "";
  el("egov-signin").dataset.state = "signed-out";
  if (text) signinStatus(text, "failed");
}

async function signIn(token) {
  signinStatus("Đang kiểm tra mã truy cập…");
  try {
    const who = await globalThis.egovSignIn.whoami(token);
    await globalThis.egovSignIn.save(token);
    showSignedIn(who);
    signinStatus("");
  } catch (error) {
    el("egov-signin").dataset.state = "signed-out";
    signinStatus(globalThis.egovFailureText(error), "failed"); // the token is not kept
  }
}

async function restoreSignIn() {
  const sign = globalThis.egovSignIn;
  if (!sign.custom() && !sign.entraid()) return; // one PC, no sign-in
  el("egov-signin").classList.remove("d-none");
  if (sign.custom() && !(await sign.token()) && !sign.entraid()) {
    el("egov-signin").dataset.state = "signed-out";
    return;
  }
  try {
    showSignedIn(await sign.whoami());
  } catch (error) {
    if (error.response && error.response.status === 401) {
      await showSignedOut("Mã truy cập đã lưu trên máy này không còn dùng được (sai hoặc đã bị thu hồi); "
        + "hãy nhập mã mới do quản trị viên cấp.");
    } else {
      signinStatus(globalThis.egovFailureText(error), "failed");
    }
  }
}

// Called through the actions of trang_thai's reply (runMacro): state is "none", "pending",
// "accepted" or "returned"; the text is one sentence, shown as text.
function egovReviewStatus(context, text, state) {
  const box = el("egov-review");
  box.textContent = text;
  box.dataset.state = state || "";
  box.classList.remove("d-none", "alert-secondary", "alert-warning", "alert-success");
  box.classList.add(state === "returned" ? "alert-warning" : state === "accepted" ? "alert-success"
    : "alert-secondary");
}

async function refreshReviewStatus() {
  const [unit, period] = contextArgs();
  if (!unit || !period || signedOut()) return;
  try {
    await globalThis.egovRun("trang_thai", ["silent", "vi", unit, period]);
  } catch (error) {
    console.error(error);
  }
}

Office.onReady(async () => {
  globalThis.xlwings.registerCallback(egovReviewStatus);
  globalThis.xlwings.registerCallback(egovSaid);
  try {
    await readNamedContext();
  } catch (error) {
    console.error(error);
  }
  el("egov-signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = el("egov-token").value.trim();
    if (!token) {
      signinStatus("Hãy nhập mã truy cập do quản trị viên cấp.", "failed");
      return;
    }
    await signIn(token);
  });
  el("egov-signout").addEventListener("click", async () => {
    await showSignedOut("");
    signinStatus("Đã đăng xuất; mã truy cập không còn lưu trên máy này.");
  });
  await restoreSignIn();
  el("egov-context").addEventListener("submit", async (event) => {
    event.preventDefault();
    await act("dat_don_vi_ky", contextArgs());
    await refreshReviewStatus();
  });
  el("egov-sheet").addEventListener("change", () => showSheet(el("egov-sheet").value));
  el("egov-validate").addEventListener("click", () => act("kiem_tra", []));
  el("egov-refresh").addEventListener("click", () => act("lam_moi_so_sanh", [...contextArgs(), chosenSheet()]));
  // its sentence (n of N units, partial or not) matters more than the findings list: a message box
  el("egov-consolidate").addEventListener("click", () => act("tong_hop", [...contextArgs(), chosenSheet()], "alert"));
  el("egov-archive").addEventListener("click", async () => {
    await act("luu_ky_bao_cao", [...contextArgs(), el("egov-reason").value.trim(),
      JSON.stringify([...accepted.values()]), el("egov-confirm").checked ? "1" : "", chosenSheet()]);
    await refreshReviewStatus();
  });
  await refreshReviewStatus();
});
