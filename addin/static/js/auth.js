// egov-xl's sign-in for Excel. xlwings Server's client asks globalThis.getAuth() for the
// Authorization header of every call: each script (xlwings.runPython and our egovRun), each
// custom function (custom-functions-code.js, and so our function batch, which reuses that
// call's headers) and each follow-up script. This file overrides the package's static/js/auth.js
// (the project's static folder is served first), whose getAuth gives a token only for Entra ID.
//
// With XLWINGS_AUTH_PROVIDERS='["custom"]' the token is the one the clerk typed once into the
// task pane (addin/static/js/main.js), kept per user in the add-in's own storage, never in the
// workbook: Office's roaming settings where the host has them (Outlook only), else
// OfficeRuntime.storage (Excel's shared runtime: per add-in, per user profile), else the add-in
// page's localStorage. With "entraid" (alone, or when no token was typed) Entra ID's token is
// used exactly as the package does it.
//
// Also here, for the ribbon (ribbon.js) and the task pane: a failed HTTP call as one Vietnamese
// sentence (401 / 403 / 429 / 413 / 5xx / no answer).
const EGOV_TOKEN_KEY = "egov-xl.token";
let egovTokenCache; // undefined: not read yet; "" : none

function egovProviders() {
  return (globalThis.config && globalThis.config.authProviders) || [];
}

function egovStore() {
  const roaming = globalThis.Office && Office.context && Office.context.roamingSettings;
  if (roaming) {
    return {
      get: async () => roaming.get(EGOV_TOKEN_KEY) || "",
      set: async (value) => {
        roaming.set(EGOV_TOKEN_KEY, value);
        await new Promise((resolve) => roaming.saveAsync(resolve));
      },
      remove: async () => {
        roaming.remove(EGOV_TOKEN_KEY);
        await new Promise((resolve) => roaming.saveAsync(resolve));
      },
    };
  }
  const runtime = globalThis.OfficeRuntime && OfficeRuntime.storage;
  if (runtime) {
    return {
      get: async () => (await runtime.getItem(EGOV_TOKEN_KEY)) || "",
      set: (value) => runtime.setItem(EGOV_TOKEN_KEY, value),
      remove: () => runtime.removeItem(EGOV_TOKEN_KEY),
    };
  }
  return {
    get: async () => localStorage.getItem(EGOV_TOKEN_KEY) || "",
    set: async (value) => localStorage.setItem(EGOV_TOKEN_KEY, value),
    remove: async () => localStorage.removeItem(EGOV_TOKEN_KEY),
  };
}

const egovSignIn = {
  // the clerk's token as typed ("" when none)
  async token() {
    if (egovTokenCache === undefined) {
      try {
        egovTokenCache = await egovStore().get();
      } catch (error) {
        console.error(error);
        egovTokenCache = "";
      }
    }
    return egovTokenCache;
  },
  async save(token) {
    egovTokenCache = token;
    await egovStore().set(token);
  },
  async forget() {
    egovTokenCache = "";
    await egovStore().remove();
  },
  // the headers a call made with `token` (or the stored one) carries
  async headers(token) {
    const auth = token === undefined ? await globalThis.getAuth() : { token: `Bearer ${token}`, provider: "custom" };
    const headers = { "Content-Type": "application/json", "Auth-Provider": auth.provider };
    if (auth.token) headers.Authorization = auth.token;
    return headers;
  },
  // POST /egov/whoami: who the server takes this token (or the stored one) for
  async whoami(token) {
    const url = `${window.location.origin}${(globalThis.config && config.appPath) || ""}/egov/whoami`;
    const response = await globalThis.xwRequest.post(url, {}, { headers: await egovSignIn.headers(token), timeout: 30000 });
    return response.data;
  },
  custom: () => egovProviders().includes("custom"),
  entraid: () => egovProviders().includes("entraid"),
};

globalThis.getAuth = async function () {
  if (egovSignIn.custom()) {
    const token = await egovSignIn.token();
    if (token || !egovSignIn.entraid()) {
      return { token: token ? `Bearer ${token}` : "", provider: "custom" };
    }
  }
  if (egovSignIn.entraid()) {
    return { token: await xlwings.getAccessToken(), provider: "entraid" };
  }
  return { token: "", provider: "" };
};

// The Vietnamese half of egov-xl's bilingual refusals ("vi / en"); xlwings' own English
// refusals are not shown to a clerk.
function egovServerSentence(data) {
  const detail = data && typeof data === "object" ? data.detail : "";
  return typeof detail === "string" && detail.includes(" / ") ? detail.split(" / ")[0] : "";
}

function egovFailureText(error) {
  const response = error && error.response;
  if (!response) {
    if (error && error.request) return "Không kết nối được máy chủ egov-xl; hãy kiểm tra mạng rồi thử lại.";
    return `Không thực hiện được: ${error && error.message ? error.message : error}`;
  }
  const status = response.status;
  const said = egovServerSentence(response.data);
  if (status === 401) {
    return `Chưa đăng nhập được (mã ${status}): mã truy cập sai, đã bị thu hồi hoặc chưa nhập. `
      + "Hãy nhập mã do quản trị viên cấp ở khung egov-xl. Chưa có gì được thực hiện.";
  }
  if (status === 403) return `Tài khoản không có quyền làm việc này (mã ${status}). ${said}`.trim();
  if (status === 429) return `Tạm thời bị từ chối (mã ${status}): ${said || "quá nhiều lần dùng mã sai; hãy thử lại sau."}`;
  if (status >= 500) {
    return `Máy chủ egov-xl đang gặp lỗi (mã ${status}); thao tác có thể chưa xong. `
      + "Hãy thử lại sau ít phút hoặc báo quản trị viên.";
  }
  return `Máy chủ từ chối yêu cầu (mã ${status}). ${said}`.trim();
}

class EgovFailure extends Error {
  // from a failed request, or (a string) a refusal made here without asking the server
  constructor(error) {
    super(typeof error === "string" ? error : egovFailureText(error));
    this.status = error && error.response ? error.response.status : 0;
  }
}

const EGOV_NOT_SIGNED_IN = "Chưa đăng nhập: hãy mở Khung tác vụ egov-xl và nhập mã truy cập do quản trị viên cấp. "
  + "Chưa có gì được thực hiện.";

// Sign-in is required and no token was typed: a call could only be refused (and be counted
// against this PC's address as a wrong token), so none is made.
async function egovRequireSignIn() {
  if (egovSignIn.custom() && !egovSignIn.entraid() && !(await egovSignIn.token())) {
    throw new EgovFailure(EGOV_NOT_SIGNED_IN);
  }
}

globalThis.egovSignIn = egovSignIn;
globalThis.egovFailureText = egovFailureText;
globalThis.EgovFailure = EgovFailure;
globalThis.egovRequireSignIn = egovRequireSignIn;
