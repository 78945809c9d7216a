// Public API of the session-account SDK. Named re-exports only: the list is snapshotted
// by a test so it never changes by accident. The Merkle-policy builder is its own entry,
// `@session-account/sdk/policies` (sdk/policies/methods.ts): a dApp without policy
// sessions does not ship it.
export { addSessionKeyToContract, type AddSessionKeyToContractParameters, type AddSessionKeyToContractReturnType } from "./actions/addSessionKeyToContract.ts";
export { authorizeSession, type AuthorizeSessionParameters, type AuthorizeSessionReturnType } from "./actions/authorizeSession.ts";
export {
  encodeSessionAuthorization,
  normalizeSessionTerms,
  parseSessionAuthorization,
  SESSION_AUTHORIZATION_DOMAIN,
  SESSION_AUTHORIZATION_TYPES,
  type SessionAuthorization,
  sessionAuthorizationHash,
  sessionAuthorizationTypedData,
  type SessionSpendingLimit,
  type SessionTerms,
  serializeSessionAuthorization,
  type SpendingLimitInput,
} from "./authorization/sessionAuthorization.ts";
export { SESSION_AUTHORIZATION_MAGIC, sessionSignatureLayout, type SessionSignatureLayoutParameters } from "./signers/signatureLayout.ts";
export { createSessionKey, type CreateSessionKeyParameters, type CreateSessionKeyReturnType, MAX_SESSION_DURATION_SECONDS } from "./actions/createSessionKey.ts";
export { executeTransactionWithSession, type ExecuteTransactionWithSessionParameters, type ExecuteTransactionWithSessionReturnType } from "./actions/executeTransactionWithSession.ts";
export { getOutsideExecutionCall, type GetOutsideExecutionCallParameters } from "./actions/getOutsideExecutionCall.ts";
export { getOutsideExecutionTypedData, type GetOutsideExecutionTypedDataParameters, type GetOutsideExecutionTypedDataReturnType } from "./actions/getOutsideExecutionTypedData.ts";
export { getSessionData, type GetSessionDataParameters, type GetSessionDataReturnType, type SessionStatus } from "./actions/getSessionData.ts";
export { getSessionStatus, type GetSessionStatusParameters } from "./actions/getSessionStatus.ts";
export { type PreparedSessionCalls, prepareSessionCalls, type PrepareSessionCallsParameters, preparedTransactionHash } from "./actions/prepareSessionCalls.ts";
export { revokeSessionKey, type RevokeSessionKeyParameters, type RevokeSessionKeyReturnType } from "./actions/revokeSessionKey.ts";
export { sendPreparedCalls, type SendPreparedCallsParameters, type SendPreparedCallsReturnType } from "./actions/sendPreparedCalls.ts";
export { assertSessionSupport, type AssertSessionSupportParameters, SESSION_KEY_MANAGER_INTERFACE_ID } from "./actions/supportsSessions.ts";
export { decryptPrivateKey, encryptPrivateKey, type EncryptedKeyEnvelope, type EncryptedKeyEnvelopeV1, type EncryptPrivateKeyOptions, isLegacyBlob, migrateLegacyEnvelope, type MigrateLegacyEnvelopeParameters, type MigrateLegacyEnvelopeReturnType, MIN_SECRET_LENGTH, PBKDF2_ITERATIONS, SCRYPT_MAX_N, SCRYPT_PARAMS } from "./crypto/encryption.ts";
export { errorFromReason, SESSION_ERROR_CODES, SessionError, type SessionErrorCode, toSessionError, type ToSessionErrorContext } from "./errors.ts";
export { decodeReason, findReasonCode, REASON_CODES, type ReasonCode, type RefusalReason } from "./reasons.ts";
export { createMemoryStorage, createSessionStore, type CreateSessionStoreParameters, type SessionStore, type StorageLike, type StoredSession, type UnlockedSession, type UnlockSessionParameters } from "./storage/sessionStore.ts";
export { type CallProofEncoder, NO_METHOD_POLICY, POLICY_SIGNATURE_MAGIC, SessionSigner, type SessionSignerParameters, sessionMessageHash } from "./signers/sessionSigner.ts";
export {
  getAddSessionKeyCall,
  type GetAddSessionKeyCallParameters,
  getEndSessionCall,
  getRevokeAllSessionsCall,
  getRevokeSessionKeyCall,
  type GetRevokeSessionKeyCallParameters,
  getSetSessionMaxFeeCall,
  type GetSetSessionMaxFeeCallParameters,
  getAddSessionWithPolicyCall,
  type GetAddSessionWithPolicyCallParameters,
  getSetSpendingPolicyCall,
  type GetSetSpendingPolicyCallParameters,
  getRemoveSpendingPolicyCall,
  type SessionPolicyInput,
} from "./builders/sessionCalls.ts";
export { endSession, type EndSessionParameters } from "./actions/endSession.ts";
export { getSpendingPolicy, type GetSpendingPolicyParameters, type GetSpendingPolicyReturnType } from "./actions/getSpendingPolicy.ts";
export { type ListedSession, type ListedSessionStatus, listSessions, type ListSessionsParameters, type ListSessionsReturnType } from "./actions/listSessions.ts";
export { revokeAllSessions, type RevokeAllSessionsParameters, type RevokeAllSessionsReturnType } from "./actions/revokeAllSessions.ts";
export { DEFAULT_MAX_FEE, type FeeLimits, worstCaseFee } from "./utils/fees.ts";
export type { SessionPaymasterOptions } from "./utils/paymasterSend.ts";
export { type NormalizedCall, normalizeCalls } from "./utils/calls.ts";
export { toSelector } from "./utils/entrypoints.ts";
export type { SessionKeyInput } from "./utils/sessionKey.ts";
export {
  type CallsStatus,
  type CreateSessionRequest,
  createWalletClient,
  type PreparedCalls,
  type SendCallsParameters,
  type SignatureRequest,
  type WalletCall,
  type WalletClient,
  type WalletClientParameters,
  type WalletPermission,
} from "./wallet/walletClient.ts";
