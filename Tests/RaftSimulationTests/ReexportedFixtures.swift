/// `SearchFingerprintTests` names servers `s1`...`s3` without importing the shared fixtures; this
/// re-export serves it while that suite lives in this target (it tests the checker's adapter and
/// belongs with `RaftModelTests`).
@_exported import RaftTestSupport
