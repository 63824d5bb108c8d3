import noHardcodedJwtSecret from './no-hardcoded-jwt-secret.js';
import noHostCheckBypass from './no-host-check-bypass.js';
import noJwtDecodeForAuth from './no-jwt-decode-for-auth.js';
import noJwtNoneAlgorithm from './no-jwt-none-algorithm.js';
import noManualBearerParsing from './no-manual-bearer-parsing.js';
import noPermissiveCors from './no-permissive-cors.js';
import noSubstringOriginCheck from './no-substring-origin-check.js';
import noUnanchoredHostRegex from './no-unanchored-host-regex.js';
import noUntrustedHostHeader from './no-untrusted-host-header.js';
import requireHostValidation from './require-host-validation.js';
import requireJwtVerifyOptions from './require-jwt-verify-options.js';

/** Every rule of the plugin, keyed by rule name (rule ids are `@rebind-guard/<name>`). */
export const rules = {
  'no-hardcoded-jwt-secret': noHardcodedJwtSecret,
  'no-host-check-bypass': noHostCheckBypass,
  'no-jwt-decode-for-auth': noJwtDecodeForAuth,
  'no-jwt-none-algorithm': noJwtNoneAlgorithm,
  'no-manual-bearer-parsing': noManualBearerParsing,
  'no-permissive-cors': noPermissiveCors,
  'no-substring-origin-check': noSubstringOriginCheck,
  'no-unanchored-host-regex': noUnanchoredHostRegex,
  'no-untrusted-host-header': noUntrustedHostHeader,
  'require-host-validation': requireHostValidation,
  'require-jwt-verify-options': requireJwtVerifyOptions,
};
