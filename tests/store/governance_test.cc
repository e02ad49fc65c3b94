// Issue 9's storage half: the audit log (append, scoping, paging, erased candidates shown as such), the
// retention sweeper and the expiring list under a clock the test controls, off-boarding, a byte scan of
// every file of the data directory right after a delete returns, and the migration of a schema 1 store.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/model/dates.h"
#include "engine/store/catalog.h"
#include "engine/store/record_codec.h"
#include "engine/store/record_key.h"
#include "engine/store/store.h"
#include "gtest/gtest.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_reader.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::governance_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::SharedReferenceData;

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(base ? base : "/tmp") + "/passerelle-governance-test-XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A clock the test moves by hand.
struct FakeClock {
  absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 1, 15, 12, 0, 0), absl::UTCTimeZone());
};

std::unique_ptr<Catalog> OpenCatalog(const std::string& dir, FakeClock* clock) {
  CatalogOptions options;
  options.clock = [clock] { return clock->now; };
  auto catalog = Catalog::Open(dir, SharedReferenceData(), options);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.ok() ? *std::move(catalog) : nullptr;
}

Opening Job(const std::string& id) {
  Opening o = testing::MasonOpening(id);
  return o;
}

Day DayOf(absl::Time t) { return static_cast<Day>(absl::ToUnixSeconds(t) / 86400); }

std::vector<std::string> Ids(const AuditEvent& e) {
  std::vector<std::string> out;
  for (const AuditCandidate& c : e.candidates) out.push_back(c.erased ? "<erased>" : c.organisation + "/" + c.id);
  return out;
}

TEST(AuditLogTest, EntriesAreScopedFilteredPagedAndSurviveARestart) {
  TempDir dir;
  FakeClock clock;
  auto catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->PutCandidates("org-a", {MasonCandidate("c-1"), MasonCandidate("c-2")}).ok());
  ASSERT_TRUE(catalog->PutCandidates("org-b", {MasonCandidate("c-1")}).ok());
  const char* rpcs[] = {"GetCandidate", "MatchCandidates", "ExplainMatch", "Rerank", "AssignCohort"};
  for (int i = 0; i < 5; ++i) {
    AuditEvent e{"org-a", "key-1", i == 0 ? "counsellor-7" : "", rpcs[i], {{"org-a", "c-1"}}, absl::Time()};
    if (i == 1) e.candidates = {{"org-a", "c-1"}, {"org-b", "c-1"}, {"org-a", "c-2"}};
    ASSERT_TRUE(catalog->AppendAudit(e).ok());
    clock.now += absl::Minutes(1);
  }

  // The admin sees everything, oldest first.
  AuditFilter all;
  auto page = catalog->ListAudit(all);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 5u);
  EXPECT_EQ(page->entries[0].rpc, "GetCandidate");
  EXPECT_EQ(page->entries[0].acting_person, "counsellor-7");
  EXPECT_EQ(page->entries[0].key_id, "key-1");
  EXPECT_EQ(Ids(page->entries[1]), (std::vector<std::string>{"org-a/c-1", "org-b/c-1", "org-a/c-2"}));
  EXPECT_EQ(page->entries[4].time - page->entries[0].time, absl::Minutes(4));

  // org-b sees the one entry about its candidate, and only its candidate in it.
  AuditFilter mine;
  mine.candidates_of = "org-b";
  page = catalog->ListAudit(mine);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(Ids(page->entries[0]), (std::vector<std::string>{"org-b/c-1"}));

  // Filters: candidate, rpc, time range.
  AuditFilter by_candidate;
  by_candidate.candidate_organisation = "org-a";
  by_candidate.candidate_id = "c-2";
  page = catalog->ListAudit(by_candidate);
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].rpc, "MatchCandidates");
  AuditFilter by_rpc;
  by_rpc.rpc = "Rerank";
  EXPECT_EQ(catalog->ListAudit(by_rpc)->entries.size(), 1u);
  AuditFilter by_time;
  by_time.since = page->entries[0].time;
  by_time.until = page->entries[0].time + absl::Minutes(2);
  EXPECT_EQ(catalog->ListAudit(by_time)->entries.size(), 2u);

  // Paging: two per page, the token goes on where the page ended; a forged token is refused.
  AuditFilter paged;
  paged.page_size = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto p = catalog->ListAudit(paged);
    ASSERT_TRUE(p.ok());
    for (const AuditEvent& e : p->entries) seen.push_back(e.rpc);
    if (p->next_page_token.empty()) break;
    paged.page_token = p->next_page_token;
  }
  EXPECT_EQ(seen, (std::vector<std::string>(std::begin(rpcs), std::end(rpcs))));
  paged.page_token = "not-a-token";
  EXPECT_EQ(catalog->ListAudit(paged).status().code(), absl::StatusCode::kInvalidArgument);

  // An erased candidate shows as erased; the others keep their ids. Appends go on after a restart.
  ASSERT_TRUE(catalog->DeleteCandidate("org-a", "c-2").ok());
  catalog.reset();
  catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->AppendAudit({"org-b", "key-9", "", "GetCandidate", {{"org-b", "c-1"}}, absl::Time()}).ok());
  page = catalog->ListAudit(all);
  ASSERT_EQ(page->entries.size(), 6u);
  EXPECT_EQ(Ids(page->entries[1]), (std::vector<std::string>{"org-a/c-1", "org-b/c-1", "<erased>"}));
  EXPECT_EQ(page->entries[5].key_id, "key-9");
}

TEST(SweeperTest, ErasesStaleCandidatesExpiredOpeningsAndOldAuditEntries) {
  TempDir dir;
  FakeClock clock;
  auto catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  const absl::Time start = clock.now;
  ASSERT_TRUE(catalog->PutCandidates("org-a", {MasonCandidate("old"), MasonCandidate("renewed")}).ok());
  ASSERT_TRUE(catalog->AppendAudit({"org-a", "k", "", "GetCandidate", {{"org-a", "old"}}, absl::Time()}).ok());
  const Day today = DayOf(start);
  ASSERT_TRUE(catalog->PutOpenings("org-e", {Job("o-soon"), Job("o-later"), Job("o-never")},
                                   std::vector<Day>{today + 10, today + 100, 0})
                  .ok());
  EXPECT_EQ(catalog->GetOpening("org-e", "o-soon")->record.expires_on(), FormatDay(today + 10));

  clock.now = start + absl::Hours(24 * 700);
  ASSERT_TRUE(catalog->PutCandidates("org-a", {MasonCandidate("renewed"), MasonCandidate("young")}).ok());

  RetentionOptions retention;  // 730 days, audit 365 days
  // What org-a will lose within 40 days: "old" (updated at the start, erased 730 days later).
  auto expiring = catalog->ListExpiring("org-a", clock.now, 40, retention);
  ASSERT_TRUE(expiring.ok()) << expiring.status();
  ASSERT_EQ(expiring->size(), 1u);
  EXPECT_EQ((*expiring)[0].id, "old");
  EXPECT_EQ((*expiring)[0].erased_on, today + 730);
  EXPECT_TRUE(catalog->ListExpiring("org-a", clock.now, 20, retention)->empty());
  // org-e's openings: both dated ones are past or soon.
  auto openings = catalog->ListExpiring("org-e", start, 30, retention);
  ASSERT_EQ(openings->size(), 1u);
  EXPECT_EQ((*openings)[0].kind, RecordKind::kOpening);
  EXPECT_EQ((*openings)[0].erased_on, today + 11);

  // A sweep at day 700 erases the two expired openings and the audit entry, no candidate yet.
  auto report = catalog->Sweep(clock.now, retention);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->candidates_erased, 0);
  EXPECT_EQ(report->openings_erased, 2);
  EXPECT_EQ(report->audit_entries_deleted, 1);
  EXPECT_TRUE(absl::IsNotFound(catalog->GetOpening("org-e", "o-soon").status()));
  EXPECT_EQ(catalog->index().FindOpening("org-e:o-later"), nullptr);
  EXPECT_TRUE(catalog->GetOpening("org-e", "o-never").ok());
  EXPECT_TRUE(catalog->ListAudit({})->entries.empty());

  // At day 731 "old" goes; "renewed" (updated at day 700) and "young" stay.
  clock.now = start + absl::Hours(24 * 731);
  report = catalog->Sweep(clock.now, retention);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->candidates_erased, 1);
  EXPECT_TRUE(absl::IsNotFound(catalog->GetCandidate("org-a", "old").status()));
  EXPECT_EQ(catalog->index().FindCandidate("org-a:old"), nullptr);
  EXPECT_TRUE(catalog->GetCandidate("org-a", "renewed").ok());
  EXPECT_EQ(catalog->candidate_count(), 2);
  EXPECT_EQ(catalog->Sweep(clock.now, retention)->candidates_erased, 0);
}

// A sweep running while a writer renews half of the stale candidates: whatever the interleaving, every
// renewed candidate is stored at the end (erased then put again, or put first and kept by the sweep's
// re-check), every other one is erased, and RocksDB and the index agree.
TEST(SweeperTest, ConcurrentPutsRenewWhatTheSweepWouldErase) {
  TempDir dir;
  FakeClock clock;
  auto catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  std::vector<Candidate> all;
  for (int i = 0; i < 400; ++i) all.push_back(MasonCandidate(absl::StrCat("c-", i)));
  ASSERT_TRUE(catalog->PutCandidates("org-a", all).ok());
  clock.now += absl::Hours(24 * 800);  // set before the threads start; only read from here on
  std::thread sweeper([&] { ASSERT_TRUE(catalog->Sweep(clock.now, RetentionOptions{}).ok()); });
  for (int i = 0; i < 400; i += 2) ASSERT_TRUE(catalog->PutCandidates("org-a", {all[i]}).ok());
  sweeper.join();
  for (int i = 0; i < 400; ++i) {
    const bool stored = catalog->GetCandidate("org-a", all[i].id).ok();
    EXPECT_EQ(stored, i % 2 == 0) << i;
    EXPECT_EQ(catalog->index().FindCandidate(QualifiedId("org-a", all[i].id)) != nullptr, stored) << i;
  }
  EXPECT_EQ(catalog->candidate_count(), 200);
}

TEST(OffboardingTest, ErasesEverythingTheOrganisationOwnsAndNothingElse) {
  TempDir dir;
  FakeClock clock;
  auto catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  std::vector<Candidate> many;
  for (int i = 0; i < 1500; ++i) many.push_back(MasonCandidate(absl::StrCat("c-", i)));
  ASSERT_TRUE(catalog->PutCandidates("leaving", many).ok());
  ASSERT_TRUE(catalog->PutCandidates("staying", {MasonCandidate("c-1")}).ok());
  ASSERT_TRUE(catalog->PutOpenings("leaving", {Job("o-1")}).ok());
  ASSERT_TRUE(catalog->PutOpenings("staying", {Job("o-1")}).ok());

  auto report = catalog->EraseOrganisation("leaving");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->candidates_erased, 1500);
  EXPECT_EQ(report->openings_erased, 1);
  EXPECT_EQ(catalog->candidate_count(), 1);
  EXPECT_EQ(catalog->opening_count(), 1);
  EXPECT_TRUE(absl::IsNotFound(catalog->GetCandidate("leaving", "c-1").status()));
  EXPECT_EQ(catalog->index().FindCandidate("leaving:c-1"), nullptr);
  EXPECT_TRUE(catalog->GetCandidate("staying", "c-1")->matchable);
  EXPECT_TRUE(catalog->GetOpening("staying", "o-1").ok());
  EXPECT_EQ(catalog->EraseOrganisation("leaving")->candidates_erased, 0);
}

// Every key and value a table file holds, decoded by RocksDB's own reader: table blocks are compressed
// (Snappy or LZ4 when the library has them), so a value can be in a file whose raw bytes do not show it.
// The write-ahead log is not compressed (wal_compression is off), so its raw bytes are what it holds.
std::string DecodedTable(const std::filesystem::path& path) {
  rocksdb::Options options;
  rocksdb::SstFileReader reader(options);
  const rocksdb::Status opened = reader.Open(path.string());
  EXPECT_TRUE(opened.ok()) << path << ": " << opened.ToString();
  if (!opened.ok()) return "";
  std::string contents;
  std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    contents.append(it->key().data(), it->key().size());
    contents.append(it->value().data(), it->value().size());
  }
  EXPECT_TRUE(it->status().ok()) << path << ": " << it->status().ToString();
  return contents;
}

// Paths of the files under `dir` whose bytes contain `needle`, table files also by their decoded contents.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const bool decoded_holds = entry.path().extension() == ".sst" && absl::StrContains(DecodedTable(entry.path()), needle);
    if (bytes.find(needle) != std::string::npos || decoded_holds) out.push_back(entry.path().filename().string());
  }
  return out;
}

// The table files under `dir` whose decoded contents hold `needle`.
std::vector<std::string> TablesHolding(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".sst" && absl::StrContains(DecodedTable(entry.path()), needle)) {
      out.push_back(entry.path().filename().string());
    }
  }
  return out;
}

TEST(ErasureTest, NoFileHoldsTheIdOrAFieldValueWhenDeleteReturns) {
  TempDir dir;
  FakeClock clock;
  auto catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  // Distinctive bytes: the id, and the free-text field of an opening (its title).
  const std::string id = "cand-erase-7f3a9c1d";
  const std::string title = "Titre-distinctif-e21b44";
  std::vector<Candidate> others;
  for (int i = 0; i < 50; ++i) others.push_back(MasonCandidate(absl::StrCat("other-", i)));
  ASSERT_TRUE(catalog->PutCandidates("org-a", others).ok());
  ASSERT_TRUE(catalog->PutCandidates("org-a", {MasonCandidate(id)}).ok());
  Opening job = Job("job-erase-5c0de1");
  job.title = title;
  ASSERT_TRUE(catalog->PutOpenings("org-a", {job}).ok());
  ASSERT_TRUE(catalog->AppendAudit({"org-a", "k", "", "GetCandidate", {{"org-a", id}}, absl::Time()}).ok());
  ASSERT_TRUE(catalog->Checkpoint(dir.path() + "-checkpoint").ok());
  std::filesystem::remove_all(dir.path() + "-checkpoint");
  // The record is in some file before (the log at least): the scan can see it. The checkpoint flushed
  // the memtables, so a table file holds it too, found by decoding the file whatever its compression.
  EXPECT_FALSE(FilesContaining(dir.path(), id).empty());
  EXPECT_FALSE(FilesContaining(dir.path(), title).empty());
  EXPECT_FALSE(TablesHolding(dir.path(), title).empty());

  ASSERT_TRUE(catalog->DeleteCandidate("org-a", id).ok());
  ASSERT_TRUE(catalog->DeleteOpening("org-a", "job-erase-5c0de1").ok());
  EXPECT_EQ(FilesContaining(dir.path(), id), std::vector<std::string>());
  EXPECT_EQ(FilesContaining(dir.path(), title), std::vector<std::string>());
  EXPECT_EQ(FilesContaining(dir.path(), "job-erase-5c0de1"), std::vector<std::string>());
  // The rest is still there and loads.
  catalog.reset();
  catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->candidate_count(), 50);
  EXPECT_EQ(FilesContaining(dir.path(), id), std::vector<std::string>());
}

TEST(StoreMigrationTest, SchemaOneIsRekeyedByOwnerAndIdAndTheBareIdsLeaveTheFiles) {
  TempDir dir;
  const std::string id = "legacy-id-4b9e";
  {
    // A schema 1 directory: records keyed by bare id, no secret file.
    auto store = Store::Open(dir.path(), {});
    ASSERT_TRUE(store.ok());
    WriteSet writes;
    writes.PutMetadata("schema_version", "1");
    Candidate c = MasonCandidate(id);
    c.owner_id = "org-old";
    writes.PutRecord(RecordKind::kCandidate, id, CandidateToProto(c).SerializeAsString());
    ASSERT_TRUE((*store)->Commit(writes).ok());
  }
  std::filesystem::remove(std::filesystem::path(dir.path()) / "record-key.secret");
  FakeClock clock;
  auto catalog = OpenCatalog(dir.path(), &clock);
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->load_report().candidates_loaded, 1);
  EXPECT_TRUE(catalog->GetCandidate("org-old", id)->matchable);
  // The bare id no longer bounds any file (the MANIFEST included): it is inside the value only.
  ASSERT_TRUE(catalog->DeleteCandidate("org-old", id).ok());
  EXPECT_EQ(FilesContaining(dir.path(), id), std::vector<std::string>());
}

TEST(StoreSecretTest, AKeyedDirectoryWithoutItsSecretIsRefused) {
  TempDir dir;
  { ASSERT_TRUE(Store::Open(dir.path(), {}).ok()); }
  std::filesystem::remove(std::filesystem::path(dir.path()) / "record-key.secret");
  auto store = Store::Open(dir.path(), {});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(store.status().message(), "record-key.secret")) << store.status();
}

}  // namespace
}  // namespace passerelle::engine::governance_test
