// The account as its owner uses it: deploy, invoke, multicall, declare, SRC-5, SRC-6
// signatures, upgrade — and what others (or a session) cannot do with it.
import { Account, CallData, Contract, hash, num, selector } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addSessionCall,
  deploySessionAccount,
  type DeployedSessionAccount,
  executeAndWait,
  executeWithoutEstimate,
  expectReason,
  nonceOf,
  randomKeyPair,
  rawSignedAccount,
  sessionAccountContract,
  sessionData,
  signHash,
} from "../helpers/account.ts";
import { builtContract, devnetProvider, fundedAccount, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue as counterOf, deployCounter } from "../helpers/fixtures.ts";

const VALID = BigInt("0x" + Buffer.from("VALID").toString("hex"));

let account: DeployedSessionAccount;
let counterAddress: string;
const counterValue = () => counterOf(counterAddress);

beforeAll(async () => {
  account = await deploySessionAccount();
  counterAddress = await deployCounter();
});

describe("SessionAccount owner", () => {
  it("is deployed with the owner key and the SessionAccount class", async () => {
    const contract = sessionAccountContract(account.address);
    expect(num.toHex((await contract.call("get_public_key")) as bigint)).toBe(num.toHex(account.ownerPublicKey));
    expect(num.toHex(await rpcProvider().getClassHashAt(account.address))).toBe(
      num.toHex(hash.computeContractClassHash(builtContract("SessionAccount").sierra)),
    );
  });

  it("deploys counterfactually (deploy_account) when the owner signs, and not for another key", async () => {
    const classHash = await rpcProvider().getClassHashAt(account.address);
    const owner = randomKeyPair();
    const constructorCalldata = CallData.compile({ public_key: owner.publicKey });
    const address = hash.calculateContractAddressFromHash(owner.publicKey, classHash, constructorCalldata, 0);
    await devnetProvider().mint(address, 10n ** 20n, "FRI");

    const thief = randomKeyPair();
    const forged = rawSignedAccount(address, (h) => signHash(h, thief.privateKey));
    await expectReason(forged.deployAccount({ classHash, constructorCalldata, addressSalt: owner.publicKey, contractAddress: address }), "INVALID_SIGNATURE");
    await expect(rpcProvider().getClassHashAt(address)).rejects.toThrow();

    const ownerAccount = new Account({ provider: rpcProvider(), address, signer: owner.privateKey, cairoVersion: "1" });
    const { transaction_hash } = await ownerAccount.deployAccount({ classHash, constructorCalldata, addressSalt: owner.publicKey, contractAddress: address });
    expect((await rpcProvider().waitForTransaction(transaction_hash)).isSuccess()).toBe(true);
    expect(num.toHex((await sessionAccountContract(address).call("get_public_key")) as bigint)).toBe(num.toHex(owner.publicKey));
  });

  it("reports SRC-5, SRC-6, SNIP-9 V2 and ISessionKeyManager through SRC-5, and nothing else", async () => {
    const contract = sessionAccountContract(account.address);
    const sessionManagerId =
      BigInt(selector.starknetKeccak("add_or_update_session_key")) ^
      BigInt(selector.starknetKeccak("revoke_session_key")) ^
      BigInt(selector.starknetKeccak("get_session_data"));
    for (const id of [
      "0x3f918d17e5ee77373b56385708f855659a07f75997f365cf87748628532a055", // SRC-5
      "0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd", // SRC-6
      "0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872", // SNIP-9 V2
      num.toHex(sessionManagerId),
    ]) {
      expect(await contract.call("supports_interface", [id]), id).toBe(true);
    }
    expect(await contract.call("supports_interface", ["0x68cfd18b92d1907b8ba3cc324900277f5a3622099431ea85dd8089255e4181"])).toBe(false); // SNIP-9 V1
    expect(await contract.call("supports_interface", ["0x1234"])).toBe(false);
  });

  it("executes an owner-signed invoke and a multicall, bumping the nonce once per transaction", async () => {
    const before = await counterValue();
    const nonce = await nonceOf(account.address);
    await executeAndWait(account.owner, [{ contractAddress: counterAddress, entrypoint: "increase", calldata: [2] }]);
    await executeAndWait(account.owner, [
      { contractAddress: counterAddress, entrypoint: "increase", calldata: [3] },
      { contractAddress: counterAddress, entrypoint: "increase", calldata: [4] },
      { contractAddress: counterAddress, entrypoint: "decrease", calldata: [1] },
    ]);
    expect(await counterValue()).toBe(before + 8n);
    expect(await nonceOf(account.address)).toBe(nonce + 2n);
    const [byAccount] = await rpcProvider().callContract({ contractAddress: counterAddress, entrypoint: "get_by_caller", calldata: [account.address] });
    expect(BigInt(byAccount ?? 0)).toBe(9n);
  });

  it("reverts a whole multicall when one call fails", async () => {
    const before = await counterValue();
    const nonce = await nonceOf(account.address);
    const receipt = await executeWithoutEstimate(account.owner, [
      { contractAddress: counterAddress, entrypoint: "increase", calldata: [5] },
      { contractAddress: counterAddress, entrypoint: "fail", calldata: [] },
    ]);
    expect(receipt.isReverted()).toBe(true);
    expect(JSON.stringify(receipt.value)).toContain("Counter: asked to fail");
    expect(await counterValue()).toBe(before);
    expect(await nonceOf(account.address)).toBe(nonce + 1n); // the fee was paid, nothing else happened
  });

  it("declares a class when the owner signs, and refuses a session-signed declare", async () => {
    const { sierra, casm } = builtContract("DeclareProbe");
    const classHash = hash.computeContractClassHash(sierra);
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 86_400;
    await executeAndWait(account.owner, [addSessionCall(account.address, { publicKey: session.publicKey, validUntil, maxCalls: 5 })]);

    // The SDK's SessionSigner refuses to sign a declare; a raw session-layout signature is
    // what an attacker would send, and the account refuses it.
    const sessionLayout = rawSignedAccount(account.address, (h) => [session.publicKey, ...signHash(h, session.privateKey), num.toHex(validUntil)]);
    await expectReason(sessionLayout.declare({ contract: sierra, casm }), "BAD_SIGNATURE_FORMAT");
    await expect(rpcProvider().getClassByHash(classHash)).rejects.toThrow();

    const { transaction_hash } = await account.owner.declare({ contract: sierra, casm });
    await rpcProvider().waitForTransaction(transaction_hash);
    expect((await rpcProvider().getClassByHash(classHash)).abi).toBeDefined();
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(0n);
  });

  it("is_valid_signature accepts the owner's [r, s] and returns 0 for anything else, without panicking", async () => {
    const contract = sessionAccountContract(account.address);
    const message = "0x" + "ab".repeat(31);
    const [r, s] = signHash(message, account.ownerPrivateKey);
    expect(await contract.call("is_valid_signature", [message, [r, s]])).toBe(VALID);
    const other = randomKeyPair();
    const cases: string[][] = [
      [],
      [r],
      [r, s, "0x1"],
      [r, s, "0x1", "0x2", "0x3"],
      signHash(message, other.privateKey), // another key
      [r, "0x0"],
      ["0x3", s], // r is not the x of a curve point
      [other.publicKey, r, s, "0x10"], // session layout
    ];
    for (const signature of cases) {
      expect(await contract.call("is_valid_signature", [message, signature]), JSON.stringify(signature)).toBe(0n);
    }
  });

  it("cannot be driven through __execute__ by another contract", async () => {
    // Starknet itself refuses a contract's call to an account's __execute__ ('Invalid
    // argument') before our own caller check (INVALID_TX) is reached; the check stays as
    // defence in depth, like version-0 transactions, which RPC 0.10 cannot send.
    const funder = await fundedAccount(1);
    const before = await counterValue();
    const innerCalls = CallData.compile({ calls: [{ to: counterAddress, selector: hash.getSelectorFromName("increase"), calldata: [1] }] });
    await expect(funder.execute({ contractAddress: account.address, entrypoint: "__execute__", calldata: innerCalls })).rejects.toThrow(/Invalid argument/);
    expect(await counterValue()).toBe(before);
  });

  it("lets only the account itself manage sessions and upgrade", async () => {
    const stranger = await fundedAccount(1);
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600;
    await expectReason(stranger.execute(addSessionCall(account.address, { publicKey: session.publicKey, validUntil, maxCalls: 1 })), "UNAUTHORIZED");
    expect((await sessionData(account.address, session.publicKey)).validUntil).toBe(0n);

    const classHash = await rpcProvider().getClassHashAt(account.address);
    const counterClass = await rpcProvider().getClassHashAt(counterAddress);
    await expectReason(stranger.execute({ contractAddress: account.address, entrypoint: "upgrade", calldata: [counterClass] }), "UNAUTHORIZED");
    expect(await rpcProvider().getClassHashAt(account.address)).toBe(classHash);
    await expectReason(stranger.execute({ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [session.publicKey] }), "UNAUTHORIZED");
  });

  it("upgrades when the owner asks, emitting Upgraded", async () => {
    const classHash = await rpcProvider().getClassHashAt(account.address);
    const txHash = await executeAndWait(account.owner, [{ contractAddress: account.address, entrypoint: "upgrade", calldata: [classHash] }]);
    const receipt = await rpcProvider().getTransactionReceipt(txHash);
    const contract = new Contract({ abi: builtContract("SessionAccount").sierra.abi, address: account.address, providerOrAccount: rpcProvider() });
    const events = contract.parseEvents(receipt);
    expect(events.some((event) => Object.keys(event).some((name) => name.endsWith("Upgraded")))).toBe(true);
  });
});
