export {
  hashTypedDataRequest,
  intentTypedData,
  messageTypedData,
  sessionGrantTypedData,
  toSignTypedDataV4Json,
  type TypedDataRequest,
  type TypedDataRequestDomain,
} from "./typedData.js";
export {
  fromEip1193,
  fromEthersSigner,
  fromViem,
  toTypedDataSigner,
  type Eip1193Provider,
  type TypedDataSigner,
  type TypedDataSignerLike,
} from "./typedDataSigner.js";
