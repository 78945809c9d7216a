//! The same vectors as test/fixtures/merkle-vectors.json, generated with them by
//! scripts/generate-merkle-vectors.ts (test/unit/merkle-policy.test.ts checks they agree).
//! Each sample: the contract's leaf equals the SDK's, its encoded CallProof deserializes to
//! the same pins, and its proof folds to the tree's root.
use starknet::ContractAddress;
use crate::session::policy::{CallProof, PinnedArgument, method_leaf, root_from_proof};

fn check_vector(
    root: felt252,
    to: felt252,
    selector: felt252,
    pinned: Span<PinnedArgument>,
    leaf: felt252,
    mut encoded: Span<felt252>,
) {
    let to: ContractAddress = to.try_into().unwrap();
    assert_eq!(method_leaf(to, selector, pinned), leaf);
    let call_proof: CallProof = Serde::deserialize(ref encoded).unwrap();
    assert!(encoded.is_empty(), "felts left after the CallProof");
    assert_eq!(call_proof.pinned, pinned);
    assert_eq!(root_from_proof(leaf, call_proof.proof), root);
}

#[test]
fn tree_of_1_leaf() {
    let root = 0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693;
    // Entry 0: method_0 on 0x1000.
    check_vector(
        root,
        0x1000,
        0x1327afb88b1a8cae435ceb9ed5031cf78029ddb30364a7d272408c14e25d35c,
        array![].span(),
        0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
        array![0x0, 0x0].span(),
    );
}

#[test]
fn tree_of_2_leaves() {
    let root = 0xb0b3c8886d0ac4f77e42deebd7b815a87e711149fe7885ced5bb30206b49b6;
    // Entry 0: method_0 on 0x1000.
    check_vector(
        root,
        0x1000,
        0x1327afb88b1a8cae435ceb9ed5031cf78029ddb30364a7d272408c14e25d35c,
        array![].span(),
        0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
        array![0x0, 0x1, 0x4e5d45573426c50dcb2c2f3b99f8efbd0108d0fac596a966a9a072dbf0a5f22].span(),
    );
    // Entry 1: method_1 on 0x1001, 1 pinned.
    check_vector(
        root,
        0x1001,
        0x1f4e99a7304828d4463a740ba0cee27730d4ab9efe407664613c1ddc121a3e4,
        array![PinnedArgument { index: 0, value: 0xabc001 }].span(),
        0x4e5d45573426c50dcb2c2f3b99f8efbd0108d0fac596a966a9a072dbf0a5f22,
        array![
            0x1,
            0x0,
            0xabc001,
            0x1,
            0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
        ]
            .span(),
    );
}

#[test]
fn tree_of_3_leaves() {
    let root = 0x1fc8e7758db79756f089d19f7e82f136511959ef2fb8261403536a772181ace;
    // Entry 0: method_0 on 0x1000.
    check_vector(
        root,
        0x1000,
        0x1327afb88b1a8cae435ceb9ed5031cf78029ddb30364a7d272408c14e25d35c,
        array![].span(),
        0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
        array![
            0x0,
            0x2,
            0x35973f0b8b8a2441ae82b923cba3aa399c4a4e3f451cbb73adaa7647a81de2,
            0x4e5d45573426c50dcb2c2f3b99f8efbd0108d0fac596a966a9a072dbf0a5f22,
        ]
            .span(),
    );
    // Entry 1: method_1 on 0x1001, 1 pinned.
    check_vector(
        root,
        0x1001,
        0x1f4e99a7304828d4463a740ba0cee27730d4ab9efe407664613c1ddc121a3e4,
        array![PinnedArgument { index: 0, value: 0xabc001 }].span(),
        0x4e5d45573426c50dcb2c2f3b99f8efbd0108d0fac596a966a9a072dbf0a5f22,
        array![
            0x1,
            0x0,
            0xabc001,
            0x1,
            0x31d102852e1036e1e9ff9527d8a58b2ff42ac2162664103c31b71cffa44cb01,
        ]
            .span(),
    );
    // Entry 2: method_2 on 0x1002, 2 pinned.
    check_vector(
        root,
        0x1002,
        0x284b7a645c21d4d91b430e0c61020e6982c98bc8007dae0fd4ba2a6e1919825,
        array![
            PinnedArgument { index: 1, value: 0x800000000000010fffffffffffffffffffffffffffffffffffffffffffffffe },
            PinnedArgument { index: 3, value: 0x2 },
        ]
            .span(),
        0x35973f0b8b8a2441ae82b923cba3aa399c4a4e3f451cbb73adaa7647a81de2,
        array![
            0x2,
            0x1,
            0x800000000000010fffffffffffffffffffffffffffffffffffffffffffffffe,
            0x3,
            0x2,
            0x2,
            0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
            0x4e5d45573426c50dcb2c2f3b99f8efbd0108d0fac596a966a9a072dbf0a5f22,
        ]
            .span(),
    );
}

#[test]
fn tree_of_7_leaves() {
    let root = 0x6b07c585dffa9c87b5a22961f21fffe92e10cbf74ed363c2655b331a57b886f;
    // Entry 0: method_0 on 0x1000.
    check_vector(
        root,
        0x1000,
        0x1327afb88b1a8cae435ceb9ed5031cf78029ddb30364a7d272408c14e25d35c,
        array![].span(),
        0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
        array![
            0x0,
            0x3,
            0x35973f0b8b8a2441ae82b923cba3aa399c4a4e3f451cbb73adaa7647a81de2,
            0x642f85fbb1d488b5abd279e5b2939b9f51fadd03aab22a934deb4169320ae33,
            0x3b3b8f563ec5064153585dc4904b2e0a47e610087800ccfed8ee2d95f75201c,
        ]
            .span(),
    );
    // Entry 3: method_3 on 0x1003, 1 pinned.
    check_vector(
        root,
        0x1003,
        0x243eb8b281c97ae382c4e9dfe072312c73afbb0787f094ee5fdb70436c36161,
        array![PinnedArgument { index: 0, value: 0xabc003 }].span(),
        0x642f85fbb1d488b5abd279e5b2939b9f51fadd03aab22a934deb4169320ae33,
        array![
            0x1,
            0x0,
            0xabc003,
            0x2,
            0x31d102852e1036e1e9ff9527d8a58b2ff42ac2162664103c31b71cffa44cb01,
            0x3b3b8f563ec5064153585dc4904b2e0a47e610087800ccfed8ee2d95f75201c,
        ]
            .span(),
    );
    // Entry 6: method_6 on 0x1006, 2 pinned.
    check_vector(
        root,
        0x1006,
        0x1daf9043347eccba25967b2f2fb76f73a577ec2cc48b9082b363636d23a15c5,
        array![
            PinnedArgument { index: 1, value: 0x800000000000010fffffffffffffffffffffffffffffffffffffffffffffffa },
            PinnedArgument { index: 3, value: 0x6 },
        ]
            .span(),
        0x4f1b31a86dd87e56d11b0dc7ebd3750c608a7af712364914a6feaad381d66f4,
        array![
            0x2,
            0x1,
            0x800000000000010fffffffffffffffffffffffffffffffffffffffffffffffa,
            0x3,
            0x6,
            0x3,
            0x4e5d45573426c50dcb2c2f3b99f8efbd0108d0fac596a966a9a072dbf0a5f22,
            0x43958cee00ee2be4fa6acd1e8685fe03ade56aecd18da8b62fad6acc974f80b,
            0x305d0b928202692f869ae39067d380c881d398057633a91bfd3630485481c14,
        ]
            .span(),
    );
}

#[test]
fn tree_of_8_leaves() {
    let root = 0x705328779daffc292147a6c2e5924aaad1aff4b13da5ea01a22ad2683649fb9;
    // Entry 0: method_0 on 0x1000.
    check_vector(
        root,
        0x1000,
        0x1327afb88b1a8cae435ceb9ed5031cf78029ddb30364a7d272408c14e25d35c,
        array![].span(),
        0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
        array![
            0x0,
            0x3,
            0x4e5d45573426c50dcb2c2f3b99f8efbd0108d0fac596a966a9a072dbf0a5f22,
            0x1f7e9d2ddbbea56e06af6a8f663774c1f08e87d477e2bcd88f8db40595f8086,
            0x3a0fecd1e0e49a02e39fa3299bc0fa08e602016444e6a1ceb453cd8de8e5aca,
        ]
            .span(),
    );
    // Entry 3: method_3 on 0x1003, 1 pinned.
    check_vector(
        root,
        0x1003,
        0x243eb8b281c97ae382c4e9dfe072312c73afbb0787f094ee5fdb70436c36161,
        array![PinnedArgument { index: 0, value: 0xabc003 }].span(),
        0x642f85fbb1d488b5abd279e5b2939b9f51fadd03aab22a934deb4169320ae33,
        array![
            0x1,
            0x0,
            0xabc003,
            0x3,
            0x5a2179f0882d7ce3f5336ef3e5b3b6885daa7d0c75b39a952e0e7fe24482be3,
            0x238a756b303e47791d744858dfd57e2e7a8d5f53a35196b5c4d891aaa17b6fb,
            0x59666a85c2ec354466b7bd80f83c4b3e6aeae4afaddfbdc939cdf8a915c1340,
        ]
            .span(),
    );
    // Entry 7: method_7 on 0x1007, 1 pinned.
    check_vector(
        root,
        0x1007,
        0x775ff5da142a657c90ee13e79728118f9c4277733533d47dc3a4ec1e7bead0,
        array![PinnedArgument { index: 0, value: 0xabc007 }].span(),
        0x14a4fd13b845697826d76924e3981f341c6f922b9c26652c048aa5a64bfc7,
        array![
            0x1,
            0x0,
            0xabc007,
            0x3,
            0x35973f0b8b8a2441ae82b923cba3aa399c4a4e3f451cbb73adaa7647a81de2,
            0xb0b3c8886d0ac4f77e42deebd7b815a87e711149fe7885ced5bb30206b49b6,
            0x3a0fecd1e0e49a02e39fa3299bc0fa08e602016444e6a1ceb453cd8de8e5aca,
        ]
            .span(),
    );
}

#[test]
fn tree_of_1024_leaves() {
    let root = 0x6bc3b76c239a2c70dd3019bbf46b674a998a7014d353bcf7feeb2b1d14a3c7f;
    // Entry 0: method_0 on 0x1000.
    check_vector(
        root,
        0x1000,
        0x1327afb88b1a8cae435ceb9ed5031cf78029ddb30364a7d272408c14e25d35c,
        array![].span(),
        0x3a7843b0d9b3e4215698f8b4a048403a74259f864d529135525a9f6e010693,
        array![
            0x0,
            0xa,
            0x3c1e02008db83a5c48eb339d41a14c40f9f77fb10cfebfde5eec4206f3960c,
            0x5ecd7c23b75df20b6af3be1ea97c5e8dc5f4017859419507c2eb4d31342fc7c,
            0x1cda8684491e8402cf2281583890ecd5c2f9a71edff25e904f3cb1356052c1c,
            0x66fe1afccc5f3e60b9baeb8bd7e58f27e5718a2cab9afbef971e5db1cc3b039,
            0x3801dd6ead4bdf9a87ad0a3c5dc52a095ef36a8dfcc87ad0ab6b676ee76717d,
            0x28948e8b3aac1fecde1295429fdddd7741026a8bd260b663a2a919096e5c975,
            0x4ddbbe0220b14490bf1a98b53b852ffbe70b6071bce82293c4e2d65d05a6977,
            0x2548ee968a1152cf5300d03706d0f6dd9fb328d68beb09cc0ce48e298bef49c,
            0x6136c91ea1b9784a8bb6e75c8cf9365284b1b544b8677b34f3e2d4fcb8a1d51,
            0x428710c36a70848bff92e841e652ea26d2c66c1bc74b50ad58dc21bcedfebf,
        ]
            .span(),
    );
    // Entry 341: method_341 on 0x1155.
    check_vector(
        root,
        0x1155,
        0x23211c780afdfe4b05334fd016944495b48190d2b982e0f959a24c6389d5b06,
        array![].span(),
        0x330e6661c69636056a8de11da4b4354d49d5ba92365d63e86f75e171029cf30,
        array![
            0x0,
            0xa,
            0x331912bc4f9eabae7fc28c905cdf3dc4c28a625c2f3282078f5420a514e56ee,
            0x31d470abc7ac5f01cc50276f3a5c93ea7fa771ecc719ebd7723b70557f47856,
            0x7dd344f27fbcbb6ed8fff4fe0e795753d5676f10b45a5737dc36a5fc7ac2efe,
            0x2fdac4febd0489ee0d4b39f3eab47bdabb32c68ab2772dddae38aff5fe09c7a,
            0x52436c0757efd78ffec278d5b3ad37e6e7dc1bfb6685bf79a1c8030bb7fa2a4,
            0xef2cc1d9c87f0c2f4713fb378ce3ccd1b97d38665161a0c283eb94bed01957,
            0x5ab11fb3afdc81d88d7b1cc13c02b0d119e8a9a4fcce0bed202480eeba24f82,
            0x61da06623f020fb51a7d08cd01d08cecec2bbcfd39b2ff2bffb4367e4b68dad,
            0x6639b43c88fdad11698d0c27f5bc7cd108264a75f22fbcf82d4e65cf1739074,
            0x428710c36a70848bff92e841e652ea26d2c66c1bc74b50ad58dc21bcedfebf,
        ]
            .span(),
    );
    // Entry 512: method_512 on 0x1200.
    check_vector(
        root,
        0x1200,
        0x36510e562531cb4db7c8fba05947339b0a21c70cbf9e4db7b57e1e038164ced,
        array![].span(),
        0x5ad3eaa55cc9bcbc67e445cdb765ee2e039748269629b29ae3a134df169c9aa,
        array![
            0x0,
            0xa,
            0x5af1a7ba3c604c98eeabdf4a5ec5ffa047133de41163cdda06680dcd65bd3fc,
            0x479f466c2e8a1d5dffd96240de2e9182db95544a94156ac438734a13fcd5f92,
            0x438897521fe43b7b6a24de96cfa9efea91c478060b06e8b60fbe90334ddff84,
            0x6af0addaf66ed0cdde429b2fa291af5602678be023f4316d4e7eeaeca2b9a96,
            0xa2af3acb473de00f38253412d99f3cc08ff3ebe044c79b595a66ae5f51ba46,
            0x5ea78f31008467dd65a0550916cbf7757fde402cbf8b3bf08a7c7082f78d3d6,
            0x6d64088ab6d306f873f6943b86f694f4d6efa1c38654c71301479423b40e391,
            0x5952b71d6591429c4d49787051f5fca06fe9b688d1d9ef58b9147100a839f21,
            0x430c74a551c46855011798610e4c8c4e43705f459ffe4df0b4bfe65ce64146f,
            0x57da5e78d06cdf60ec273130c8c5071c0c9c6889e5fa2cb51c29ff7d2549d27,
        ]
            .span(),
    );
    // Entry 1023: method_1023 on 0x13ff.
    check_vector(
        root,
        0x13ff,
        0xfdcdc952a47e196b16cd32400d4abf405dc869c4b0cd1c17d571870847fee9,
        array![].span(),
        0x4db732d6a20881b8f6816f8d69dd3c3e3525e34c61d24dff6cc3afa287dfdf3,
        array![
            0x0,
            0xa,
            0x4dae9da88d34b0447b215c8b0dc985289a61f41c34f1e44b56c2efcd0a912e7,
            0x5d5f35dfefdb658e09d5ff88dc2f829e5a3119c55cd0b41b88e2ba2890703b5,
            0x20354d6b6bf5e269eb1b36b84d3e79c48826693fa956eef827de6f9156bb203,
            0x29aa0216999c366afcbc47391fc654dbf7ee40da44142a1c508d96f1f75f8c,
            0x2a792f204abb71527604130f36d4125c81f446745610701c945f0539fd27a7f,
            0x2ac09d9f4ab84a748a7d6f63e33bc663b6c987aac6174a19a9fae5b4df8d909,
            0x6332eb08a9bfea9b45c7aae0740430cc4826808427ca09998c0859864268f11,
            0x601867ce365ee1d33d8543bb581502253a912b6c335803e27ea403550b9ec7f,
            0x430c74a551c46855011798610e4c8c4e43705f459ffe4df0b4bfe65ce64146f,
            0x57da5e78d06cdf60ec273130c8c5071c0c9c6889e5fa2cb51c29ff7d2549d27,
        ]
            .span(),
    );
}
