// wallet_createSession's permissions (the types Alchemy's session API names, where they
// exist) as our session terms: a Merkle policy of (contract, function) pairs, spending
// limits per token, a fee budget. Anything that cannot be enforced on chain is refused
// with a clear error, never approximated.
import type { Abi, RpcProvider } from "starknet";
import { num } from "starknet";
import type { MethodPolicyEntry } from "../../../sdk/policies/methods.ts";
import { invalidParams } from "../rpc/errors.ts";
import { BLOCKED_ENTRYPOINTS } from "../../../sdk/utils/blocklist.ts";
import { STRK_TOKEN_ADDRESS } from "../../../sdk/utils/fees.ts";
import { address, object } from "../paymaster/params.ts";

export interface SpendingLimitTerm {
  token: string;
  maxPerCall: bigint;
  maxPerWindow: bigint;
  windowSeconds: number;
}

export interface SessionPermissions {
  /** undefined: any contract and non-admin function (the `root` permission). */
  methods: MethodPolicyEntry[] | undefined;
  spendingLimits: SpendingLimitTerm[];
  feeBudget: bigint | undefined;
}

export const PERMISSION_TYPES = [
  "root",
  "native-token-transfer",
  "erc20-token-transfer",
  "gas-limit",
  "contract-access",
  "functions-on-contract",
  "functions-on-all-contracts",
] as const;

/**
 * Most (contract, function) pairs a session may hold: the size bench:gas measures (a proof
 * of 10 hashes). A larger tree costs the relayer seconds to build and megabytes to keep.
 */
export const MAX_METHODS = 1_024;

/** The fee budget is stored in units of 10^15 FRI (0.001 STRK). */
const FEE_UNIT = 10n ** 15n;

function amount(value: unknown, field: string): bigint {
  if (typeof value !== "string" || !/^(0x[0-9a-fA-F]{1,64}|\d{1,78})$/.test(value)) throw invalidParams(`${field} must be an amount as a hex or decimal string`);
  const parsed = BigInt(value);
  if (parsed <= 0n || parsed >= 2n ** 256n) throw invalidParams(`${field} must be above 0 and a u256`);
  return parsed;
}

function functionNames(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 256) throw invalidParams(`${field} must list 1 to 256 function names`);
  return value.map((name, index) => {
    if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw invalidParams(`${field}[${index}] is not a function name`);
    return name;
  });
}

const BLOCKED: ReadonlySet<string> = new Set(BLOCKED_ENTRYPOINTS);

/** External functions of the contract's class, from its ABI (Cairo 1 interfaces and top-level functions). */
async function externalFunctions(provider: RpcProvider, contract: string): Promise<string[]> {
  let abi: Abi;
  try {
    abi = (await provider.getClassAt(contract, "pre_confirmed")).abi as Abi;
  } catch {
    throw invalidParams(`contract-access: no contract is deployed at ${contract}`);
  }
  const entries = (typeof abi === "string" ? JSON.parse(abi) : abi) as { type: string; name: string; state_mutability?: string; items?: { type: string; name: string; state_mutability?: string }[] }[];
  const functions = entries.flatMap((entry) => (entry.type === "interface" ? (entry.items ?? []) : [entry])).filter((entry) => entry.type === "function" && entry.state_mutability === "external");
  // Admin entrypoints are left out: a session can never call one (the account refuses it at
  // every call, the SDK refuses to name it), and upgradeable contracts expose `upgrade`.
  const names = [...new Set(functions.map((entry) => entry.name))].filter((name) => !BLOCKED.has(name));
  if (names.length === 0) throw invalidParams(`contract-access: ${contract} has no external function a session may call`);
  return names;
}

/**
 * Reads `permissions` ([{ type, data }]) into session terms. `durationSeconds` is the
 * session's lifetime: a token allowance holds for all of it.
 */
export async function readPermissions(provider: RpcProvider, value: unknown, durationSeconds: number): Promise<SessionPermissions> {
  if (!Array.isArray(value) || value.length === 0 || value.length > 64) throw invalidParams("permissions must list 1 to 64 permissions");
  const methods: MethodPolicyEntry[] = [];
  const spendingLimits: SpendingLimitTerm[] = [];
  let feeBudget: bigint | undefined;
  let root = false;
  const limitToken = (token: string, allowance: bigint) => {
    if (spendingLimits.some((limit) => BigInt(limit.token) === BigInt(token))) throw invalidParams(`two allowances for token ${token}`);
    spendingLimits.push({ token, maxPerCall: allowance, maxPerWindow: allowance, windowSeconds: durationSeconds });
    methods.push({ contractAddress: token, entrypoint: "transfer" });
  };
  for (const [index, item] of value.entries()) {
    const permission = object(item, `permissions[${index}]`);
    const data = permission.data === undefined ? {} : object(permission.data, `permissions[${index}].data`);
    const field = `permissions[${index}]`;
    switch (permission.type) {
      case "root":
        root = true;
        break;
      case "native-token-transfer":
        // Starknet's fee token, STRK, plays the native token's part.
        limitToken(STRK_TOKEN_ADDRESS, amount(data.allowance, `${field}.data.allowance`));
        break;
      case "erc20-token-transfer":
        limitToken(address(data.address, `${field}.data.address`), amount(data.allowance, `${field}.data.allowance`));
        break;
      case "gas-limit": {
        if (feeBudget !== undefined) throw invalidParams("at most one gas-limit permission");
        const limit = amount(data.limit, `${field}.data.limit`);
        // Rounded down to what the account stores: the budget never grows.
        feeBudget = (limit / FEE_UNIT) * FEE_UNIT;
        if (feeBudget === 0n) throw invalidParams(`${field}.data.limit must be at least 10^15 FRI (0.001 STRK)`);
        break;
      }
      case "contract-access": {
        const contract = address(data.address, `${field}.data.address`);
        for (const entrypoint of await externalFunctions(provider, contract)) methods.push({ contractAddress: contract, entrypoint });
        break;
      }
      case "functions-on-contract": {
        const contract = address(data.address, `${field}.data.address`);
        for (const entrypoint of functionNames(data.functions, `${field}.data.functions`)) methods.push({ contractAddress: contract, entrypoint });
        break;
      }
      case "functions-on-all-contracts":
        throw invalidParams(
          `${field}: functions-on-all-contracts is not offered: a session's methods are (contract, function) pairs, so that a leaked key cannot call the same function on any contract (e.g. transfer on every token). Name the contracts with functions-on-contract.`,
        );
      case "account-functions":
        throw invalidParams(`${field}: account-functions is refused: a session can never call its own account (the account refuses every self-call)`);
      default:
        throw invalidParams(`${field}.type must be one of ${PERMISSION_TYPES.join(", ")}`);
    }
  }
  if (root && value.length > 1) throw invalidParams("root grants everything a session may do: it cannot be combined with other permissions");
  // One leaf per (contract, function), in a stable order.
  const unique = new Map(methods.map((method) => [`${num.toHex64(method.contractAddress)}:${method.entrypoint}`, { ...method, contractAddress: num.toHex64(method.contractAddress) }]));
  if (unique.size > MAX_METHODS) throw invalidParams(`a session may hold at most ${MAX_METHODS} (contract, function) pairs; these permissions make ${unique.size}`);
  return { methods: root ? undefined : [...unique.values()], spendingLimits, feeBudget };
}
