import type { CombinedError } from "urql";

export interface UserErrorLike {
  code: string;
  field?: string | null;
  message: string;
}

export interface FormErrors {
  /** Messages keyed by the input's name (the last segment of the API's `field`). */
  byField: Record<string, string>;
  /** Errors not about one input, shown above the form. */
  general: string[];
}

/** Places business errors from `errors { code field message }` next to their inputs. */
export function formErrors(errors: readonly UserErrorLike[], knownFields: readonly string[]): FormErrors {
  const result: FormErrors = { byField: {}, general: [] };
  for (const error of errors) {
    const name = error.field?.split(".").pop();
    if (name && knownFields.includes(name) && !(name in result.byField)) result.byField[name] = error.message;
    else result.general.push(error.message);
  }
  return result;
}

/** A request that failed as a whole: what to tell the shopper, and whether retrying can help. */
export interface RequestProblem {
  message: string;
  retryable: boolean;
}

export function describeRequestError(error: CombinedError): RequestProblem {
  if (error.networkError) {
    return { message: "We could not reach the shop. Check your connection and try again.", retryable: true };
  }
  const status = (error.response as { status?: number } | undefined)?.status ?? 200;
  const codes = error.graphQLErrors.map((e) => String(e.extensions?.code ?? ""));
  if (status >= 500 || codes.some((c) => c === "INTERNAL_SERVER_ERROR" || c === "ROUTER_NOT_READY" || c === "ROUTER_UNREACHABLE")) {
    return { message: "The shop is having trouble right now. Please try again in a moment.", retryable: true };
  }
  if (codes.includes("UNAUTHENTICATED")) return { message: "Please sign in again.", retryable: false };
  return { message: error.graphQLErrors[0]?.message ?? "Something went wrong.", retryable: false };
}
