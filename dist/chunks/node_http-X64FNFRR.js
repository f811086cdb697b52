import{createRequire as __flexjobRequire}from"node:module";const require=__flexjobRequire(import.meta.url);
import{a}from"./chunk-NPDQ7NII.js";import"./chunk-TQWIY75R.js";export default a();
//# sourceMappingURL=node_http-X64FNFRR.js.map
