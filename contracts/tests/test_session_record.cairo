use crate::session::record::{
    INV_TWO_POW_32, INV_TWO_POW_66, LIVE, LIVE_WITH_POLICY, PackedRecordTrait, SessionRecord,
    SessionRecordStorePacking, SessionState,
};

fn round_trip(record: SessionRecord) {
    let packed = SessionRecordStorePacking::pack(record);
    assert_eq!(SessionRecordStorePacking::unpack(packed), record);
}

#[test]
fn empty_record_packs_to_zero() {
    assert_eq!(SessionRecordStorePacking::pack(Default::default()), 0);
    assert_eq!(SessionRecordStorePacking::unpack(0), Default::default());
}

#[test]
fn every_field_survives_at_its_extremes() {
    round_trip(
        SessionRecord {
            valid_until: 0xffffffffffffffff,
            max_calls: 0xffffffff,
            calls_used: 0xffffffff,
            entrypoints_len: 0xffffffff,
            generation: 0xffffffff,
            state: SessionState::Revoked,
            max_fee_units: 0xffffffff,
            epoch: 0xffffff,
            has_policy: true,
        },
    );
    round_trip(
        SessionRecord {
            valid_until: 1, max_calls: 0, calls_used: 0, entrypoints_len: 0, generation: 0, state: SessionState::Unregistered, max_fee_units: 0, epoch: 0, has_policy: false,
        },
    );
    round_trip(
        SessionRecord {
            valid_until: 0, max_calls: 0, calls_used: 0, entrypoints_len: 0, generation: 1, state: SessionState::Revoked, max_fee_units: 1, epoch: 1, has_policy: true,
        },
    );
}

#[test]
fn fields_do_not_overlap() {
    let record = SessionRecord {
        valid_until: 1_700_000_000,
        max_calls: 7,
        calls_used: 3,
        entrypoints_len: 1000,
        generation: 42,
        state: SessionState::Unregistered,
        max_fee_units: 1000,
        epoch: 3,
        has_policy: true,
    };
    round_trip(record);
    round_trip(SessionRecord { calls_used: record.calls_used + 1, ..record });
}

#[test]
fn every_state_survives() {
    for state in array![SessionState::Unregistered, SessionState::Active, SessionState::Revoked] {
        round_trip(
            SessionRecord {
                valid_until: 0xffffffffffffffff,
                max_calls: 0xffffffff,
                calls_used: 0xffffffff,
                entrypoints_len: 0xffffffff,
                generation: 0xffffffff,
                state,
                max_fee_units: 0xffffffff,
                epoch: 0xffffff,
                has_policy: true,
            },
        );
    }
}

#[test]
fn the_inverses_are_exact() {
    assert_eq!(INV_TWO_POW_32 * 0x100000000, 1);
    assert_eq!(INV_TWO_POW_66 * 0x40000000000000000, 1);
}

/// What validation reads from the packed felt agrees with the unpacked record.
fn reads_as_unpacked(record: SessionRecord, epoch: u32) {
    let packed = PackedRecordTrait::new(SessionRecordStorePacking::pack(record));
    let live = record.state == SessionState::Active && record.epoch == epoch;
    let liveness = packed.liveness(epoch.into());
    assert_eq!(liveness == LIVE, live && !record.has_policy);
    assert_eq!(liveness == LIVE_WITH_POLICY, live && record.has_policy);
    let expected_reason = if record.state == SessionState::Unregistered {
        'NOT_REGISTERED'
    } else {
        'REVOKED'
    };
    if !live {
        assert_eq!(packed.absent_reason(), expected_reason);
    }
    assert!(packed.valid_until_is(record.valid_until));
    assert!(!packed.valid_until_is(record.valid_until ^ 1));
    assert_eq!(packed.has_calls_left(record.valid_until), record.calls_used < record.max_calls);
    assert_eq!(packed.has_whitelist(), record.entrypoints_len != 0);
    assert_eq!(packed.generation(), record.generation.into());
    assert_eq!(packed.max_fee_units(), record.max_fee_units.into());
}

#[test]
fn the_packed_reading_agrees_with_unpack() {
    let record = SessionRecord {
        valid_until: 1_700_000_000,
        max_calls: 7,
        calls_used: 6,
        entrypoints_len: 1,
        generation: 42,
        state: SessionState::Active,
        max_fee_units: 1000,
        epoch: 3,
        has_policy: false,
    };
    reads_as_unpacked(record, 3);
    reads_as_unpacked(record, 4);
    reads_as_unpacked(SessionRecord { calls_used: 7, ..record }, 3);
    reads_as_unpacked(SessionRecord { calls_used: 0, max_calls: 1, ..record }, 3);
    reads_as_unpacked(SessionRecord { has_policy: true, ..record }, 3);
    reads_as_unpacked(SessionRecord { has_policy: true, ..record }, 2);
    reads_as_unpacked(SessionRecord { state: SessionState::Revoked, ..record }, 3);
    reads_as_unpacked(SessionRecord { state: SessionState::Unregistered, ..record }, 3);
    reads_as_unpacked(SessionRecord { entrypoints_len: 0, max_fee_units: 0, ..record }, 3);
    reads_as_unpacked(
        SessionRecord {
            valid_until: 0xffffffffffffffff,
            max_calls: 0xffffffff,
            calls_used: 0xfffffffe,
            entrypoints_len: 0xffffffff,
            generation: 0xffffffff,
            state: SessionState::Active,
            max_fee_units: 0xffffffff,
            epoch: 0xffffff,
            has_policy: true,
        },
        0xffffff,
    );
    reads_as_unpacked(
        SessionRecord {
            valid_until: 0xffffffffffffffff,
            max_calls: 0xffffffff,
            calls_used: 0xffffffff,
            entrypoints_len: 0xffffffff,
            generation: 0xffffffff,
            state: SessionState::Active,
            max_fee_units: 0xffffffff,
            epoch: 0xffffff,
            has_policy: false,
        },
        0xffffff,
    );
}

#[test]
fn one_call_used_adds_one_to_calls_used() {
    let record = SessionRecord {
        valid_until: 1_700_000_000,
        max_calls: 0xffffffff,
        calls_used: 0xfffffffe,
        entrypoints_len: 0xffffffff,
        generation: 0xffffffff,
        state: SessionState::Active,
        max_fee_units: 0xffffffff,
        epoch: 0xffffff,
        has_policy: true,
    };
    let packed = SessionRecordStorePacking::pack(record) + crate::session::record::ONE_CALL_USED;
    assert_eq!(SessionRecordStorePacking::unpack(packed), SessionRecord { calls_used: 0xffffffff, ..record });
}
