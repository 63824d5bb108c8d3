export {
  parseBearer,
  DEFAULT_MAX_TOKEN_LENGTH,
  type BearerToken,
  type BearerFailure,
  type ParseBearerOptions,
} from './bearer.js';
export {
  RESULT_CODES,
  DOCS_URL,
  describeCode,
  type ResultCode,
  type ResultCodeInfo,
  type ResultStatus,
} from './errors.js';
export {
  createGuard,
  type CheckOptions,
  type Guard,
  type GuardFailure,
  type GuardRequest,
  type GuardResult,
  type GuardSuccess,
} from './guard.js';
export { GUARD_OPTION_KEYS, type GuardOptions } from './guard-options.js';
export { type AuthMode } from './auth-mode.js';
export {
  parseHost,
  formatHost,
  isHostFailure,
  HostAllowlist,
  hostEntryProblem,
  LOOPBACK_HOSTS,
  type HostEntry,
  type HostFailure,
  type ParsedHost,
} from './host.js';
export {
  AUTH_OPTION_KEYS,
  JwtVerifier,
  type AuthInfo,
  type AuthOptions,
  type ClaimsValidator,
  type GetKey,
  type JwtAlgorithm,
  type JwtClaims,
  type JwtHeader,
  type JwksTiming,
  type KeyInput,
  type TokenFailureCode,
  type VerifyOutcome,
} from './jwt.js';
export { parseOrigin, refererOrigin, OriginAllowlist, type OriginFailure, type ParsedOrigin } from './origin.js';
export {
  toProblem,
  problemResponse,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  type ProblemResponse,
} from './problem.js';
export { type GuardAnswer, type ResourceMetadataOptions } from './resource-metadata.js';
export { type ClaimRequirement, type ClaimValue } from './claims.js';
