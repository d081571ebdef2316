import "./function-batch.js"; // pure EGOV functions in batches (RATIO, NUM)
import "./stamp.js"; // the validation stamp written after Kiểm tra (egovStamp)

// egov-xl task pane: unit and period, the actions, the list of findings (read back from the
// sheet "Kiểm tra" the scripts write), selecting a finding's cell, accepting warnings, and where
// the report stands (a return for correction shows its reason), told by the script trang_thai.
const REPORT_SHEET = "Kiểm tra";
const accepted = new Map(); // "rule|code" -> {rule, code, reason}

function el(id) {
  return document.getElementById(id);
}

function status(text) {
  el("egov-status").textContent = text;
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

async function act(scriptName, extra, notify = "silent") {
  status("Đang xử lý…");
  try {
    await globalThis.egovRun(scriptName, [notify, "vi", ...extra]);
    renderFindings(await readFindings());
    status("Xong.");
  } catch (error) {
    status(`Lỗi: ${error}`);
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
  if (!unit || !period) return;
  try {
    await globalThis.egovRun("trang_thai", ["silent", "vi", unit, period]);
  } catch (error) {
    console.error(error);
  }
}

Office.onReady(async () => {
  globalThis.xlwings.registerCallback(egovReviewStatus);
  try {
    await readNamedContext();
  } catch (error) {
    console.error(error);
  }
  el("egov-context").addEventListener("submit", async (event) => {
    event.preventDefault();
    await act("dat_don_vi_ky", contextArgs());
    await refreshReviewStatus();
  });
  el("egov-validate").addEventListener("click", () => act("kiem_tra", []));
  el("egov-refresh").addEventListener("click", () => act("lam_moi_so_sanh", contextArgs()));
  // its sentence (n of N units, partial or not) matters more than the findings list: a message box
  el("egov-consolidate").addEventListener("click", () => act("tong_hop", contextArgs(), "alert"));
  el("egov-archive").addEventListener("click", async () => {
    await act("luu_ky_bao_cao", [...contextArgs(), el("egov-reason").value.trim(),
      JSON.stringify([...accepted.values()]), el("egov-confirm").checked ? "1" : ""]);
    await refreshReviewStatus();
  });
  await refreshReviewStatus();
});
