import{createRequire as __flexjobRequire}from"node:module";const require=__flexjobRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-E6CQPNHD.js";import"./chunk-NBJVHLCD.js";import"./chunk-H7SZTKTF.js";import"./chunk-TUGKVSNM.js";import"./chunk-TQWIY75R.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};
//# sourceMappingURL=dist-es-XD4ASX4I.js.map
