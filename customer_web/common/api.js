// Fetch helpers for the public REST API. Every failure becomes an ApiError carrying the
// server's error code, message and (for 422) per-field messages.

export class ApiError extends Error {
  constructor(status, code, message, fields = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** The server's message for one field, or undefined. */
  fieldMessage(field) {
    return this.fields.find((entry) => entry.field === field)?.message;
  }
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  const options = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new ApiError(0, "network", "The server could not be reached.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // An empty or non-JSON body (e.g. from a proxy); handled below by the status.
  }
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? `http_${response.status}`,
      error.message ?? response.statusText,
      Array.isArray(error.fields) ? error.fields : [],
    );
  }
  return data;
}

export function getJson(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) {
      params.set(name, String(value));
    }
  }
  const search = params.toString();
  return request("GET", search ? `${path}?${search}` : path);
}

export function postJson(path, body = {}) {
  return request("POST", path, body);
}

let configPromise = null;

/** The public configuration (organisation name, phone number, time zone), fetched once. */
export function loadConfig() {
  configPromise ??= getJson("/api/v1/public/config");
  return configPromise;
}
