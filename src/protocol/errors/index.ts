export { IntentWalletSdkError, type IntentWalletSdkErrorParameters } from "./baseError.js";
export {
  InvalidDocumentError,
  type InvalidDocumentErrorParameters,
} from "./invalidDocumentError.js";
export { InvalidSignedGrantError, InvalidSignedIntentError } from "./invalidDocumentErrors.js";
export {
  ContractRevertError,
  isContractRevertError,
  type AnyContractRevertError,
  type ContractRevertErrorParameters,
} from "./contractRevertError.js";
export { UnknownRevertError, type UnknownRevertErrorParameters } from "./unknownRevertError.js";
export type {
  ContractErrorArgList,
  ContractErrorArgs,
  ContractErrorName,
  ContractOfError,
  RevertingContract,
} from "./contractErrors.js";
export {
  decodeFailureReason,
  decodeRevert,
  findRevertData,
  type DecodeRevertReturnType,
  type DecodedRevert,
} from "./decodeRevert.js";
export { InvalidParameterError } from "./invalidParameterError.js";
export { withDecodedRevert } from "./withDecodedRevert.js";
