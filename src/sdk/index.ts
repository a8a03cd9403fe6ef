export * from "./intent/types.js";
export * from "./intent/intentDomain.js";
export * from "./intent/buildIntent.js";
export * from "./intent/getIntentId.js";
export * from "./intent/signIntent.js";
