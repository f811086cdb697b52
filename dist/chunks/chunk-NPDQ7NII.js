import{createRequire as __flexjobRequire}from"node:module";const require=__flexjobRequire(import.meta.url);
import{a as r,b as i}from"./chunk-TQWIY75R.js";var o=i((p,e)=>{e.exports=r("node:http")});export{o as a};
//# sourceMappingURL=chunk-NPDQ7NII.js.map
