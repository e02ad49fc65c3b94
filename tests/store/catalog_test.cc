// The catalog's load and write paths: a start-up on several threads gives the same index and the same
// invalid list as on one; an id is unique within its organisation only (another organisation's put
// makes a record of its own); a rejected record changes nothing stored; concurrent puts of the same ids
// leave RocksDB and the index agreeing; the date fast path agrees with ParseDay / FormatDay; RocksDB
// compacts only once the start-up has read the records.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/model/dates.h"
#include "engine/sample/cohort_generator.h"
#include "engine/store/catalog.h"
#include "engine/store/record_codec.h"
#include "engine/store/record_key.h"
#include "engine/store/store.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::catalog_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::SharedReferenceData;
using ::passerelle::tests::TempDir;

std::unique_ptr<Catalog> OpenCatalog(const std::string& dir, CatalogOptions options = {}) {
  auto catalog = Catalog::Open(dir, SharedReferenceData(), options);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.ok() ? *std::move(catalog) : nullptr;
}

// Qualified id -> serialized record of every candidate of `owner` in the index.
std::map<std::string, std::string> IndexedCandidates(const Catalog& catalog, const std::vector<std::string>& ids,
                                                     const std::string& owner = "sample") {
  std::map<std::string, std::string> out;
  for (const std::string& id : ids) {
    const std::string qualified = QualifiedId(owner, id);
    if (auto found = catalog.index().FindCandidate(qualified)) {
      out[qualified] = CandidateToProto(found->record).SerializeAsString();
    }
  }
  return out;
}

// A store of generated candidates with, every few records, one that cannot be loaded: bytes that do not
// parse, stored under another key, a date that does not decode, a commune that does not resolve.
std::vector<std::string> WriteMixedStore(const std::string& dir, int count) {
  CohortOptions options;
  options.seed = 7;
  options.candidates = count;
  options.openings = 0;
  const CohortGenerator generator(SharedReferenceData(), options);
  auto store = Store::Open(dir, {});
  EXPECT_TRUE(store.ok()) << store.status();
  std::vector<std::string> ids;
  WriteSet writes;
  for (const Candidate& c : generator.Candidates()) {
    ids.push_back(c.id);
    v1::Candidate p = CandidateToProto(c);
    const int64_t i = static_cast<int64_t>(ids.size());
    const std::string key = (*store)->RecordKey(c.owner_id, c.id);
    if (i % 97 == 0) {
      writes.PutRecord(RecordKind::kCandidate, key, EncodeStoredValue(0, "\xff\xff\xff not a message"));
      continue;
    }
    if (i % 89 == 0) p.set_id(c.id + "-elsewhere");
    if (i % 83 == 0) p.set_available_from("2026-02-30");
    if (i % 79 == 0) p.set_commune_insee("97999");
    writes.PutRecord(RecordKind::kCandidate, key, EncodeStoredValue(0, p.SerializeAsString()));
  }
  EXPECT_TRUE((*store)->Commit(writes).ok());
  return ids;
}

TEST(CatalogLoadTest, SeveralThreadsGiveTheSameIndexAndInvalidListAsOne) {
  TempDir dir;
  // 2,000 records hold every kind of bad record many times over; kept small because this test runs again
  // under ThreadSanitizer, where each load is about 20x slower.
  constexpr int kRecords = 2000;
  const std::vector<std::string> ids = WriteMixedStore(dir.path(), kRecords);

  CatalogOptions one;
  one.load_threads = 1;
  one.load_batch_records = 4096;
  std::map<std::string, std::string> indexed_one;
  LoadReport report_one;
  {
    auto catalog = OpenCatalog(dir.path(), one);
    ASSERT_NE(catalog, nullptr);
    indexed_one = IndexedCandidates(*catalog, ids);
    report_one = catalog->load_report();
  }
  EXPECT_EQ(report_one.candidates_loaded, static_cast<int64_t>(indexed_one.size()));
  // Each kind of bad record is there, with its reason.
  std::map<std::string, std::string> reasons;
  int unparsed = 0;
  for (const InvalidRecord& r : report_one.invalid) {
    reasons[r.id] = r.reason;
    unparsed += r.reason == "stored bytes do not parse";
  }
  EXPECT_EQ(unparsed, kRecords / 97);
  const std::string moved = QualifiedId("sample", ids[88] + "-elsewhere");
  EXPECT_TRUE(absl::StartsWith(reasons[moved], "id: stored under another key")) << reasons[moved];
  EXPECT_TRUE(absl::StartsWith(reasons[QualifiedId("sample", ids[82])], "available_from: "));
  EXPECT_TRUE(absl::StartsWith(reasons[QualifiedId("sample", ids[78])], "commune_insee: "));

  for (int threads : {2, 7}) {  // an even and an odd split of the batches
    for (size_t batch : {size_t{1}, size_t{333}, size_t{100000}}) {
      CatalogOptions many;
      many.load_threads = threads;
      many.load_batch_records = batch;
      auto catalog = OpenCatalog(dir.path(), many);
      ASSERT_NE(catalog, nullptr);
      SCOPED_TRACE(absl::StrCat(threads, " threads, batches of ", batch));
      EXPECT_EQ(IndexedCandidates(*catalog, ids), indexed_one);
      const LoadReport& report = catalog->load_report();
      EXPECT_EQ(report.candidates_loaded, report_one.candidates_loaded);
      ASSERT_EQ(report.invalid.size(), report_one.invalid.size());
      for (size_t i = 0; i < report.invalid.size(); ++i) {
        EXPECT_EQ(report.invalid[i].id, report_one.invalid[i].id);
        EXPECT_EQ(report.invalid[i].reason, report_one.invalid[i].reason);
      }
      // Every stored record is either in the index or in the invalid list, never both.
      EXPECT_EQ(catalog->candidate_count(), static_cast<int64_t>(ids.size()));
      for (const InvalidRecord& r : report.invalid) EXPECT_EQ(catalog->index().FindCandidate(r.id), nullptr);
    }
  }
}

TEST(CatalogLoadTest, EmptyStoreLoadsNothing) {
  TempDir dir;
  CatalogOptions options;
  options.load_threads = 3;
  auto catalog = OpenCatalog(dir.path(), options);
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->load_report().candidates_loaded, 0);
  EXPECT_TRUE(catalog->load_report().invalid.empty());
}

// The table files on disk: five flushes make five, a compaction merges them into fewer.
int TableFiles(const std::string& dir) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files += entry.path().extension() == ".sst";
  return files;
}

// Waits up to 20 s for RocksDB's background compactions to leave fewer than `files` table files.
bool TableFilesFallBelow(const std::string& dir, int files) {
  for (int i = 0; i < 200; ++i) {
    if (TableFiles(dir) < files) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Five flushed files, each from its own open (a clean close flushes): RocksDB compacts from four.
void WriteFiveLevelZeroFiles(const std::string& dir) {
  for (int round = 0; round < 5; ++round) {
    StoreOptions options;
    options.defer_compactions = true;  // else an open could compact the earlier rounds' files
    auto store = Store::Open(dir, options);
    ASSERT_TRUE(store.ok()) << store.status();
    WriteSet writes;
    for (int i = 0; i < 50; ++i) {
      Candidate candidate = MasonCandidate(absl::StrCat("c-", round, "-", i));
      candidate.owner_id = "sample";
      writes.PutRecord(RecordKind::kCandidate, (*store)->RecordKey("sample", candidate.id),
                       EncodeStoredValue(0, CandidateToProto(candidate).SerializeAsString()));
    }
    ASSERT_TRUE((*store)->Commit(writes).ok());
  }
}

TEST(StoreCompactionsTest, DeferredUntilResumedThenRun) {
  TempDir dir;
  WriteFiveLevelZeroFiles(dir.path());
  StoreOptions options;
  options.defer_compactions = true;
  auto store = Store::Open(dir.path(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_GE(TableFiles(dir.path()), 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GE(TableFiles(dir.path()), 5) << "a compaction ran while deferred";
  ASSERT_TRUE((*store)->ResumeCompactions().ok());
  EXPECT_TRUE(TableFilesFallBelow(dir.path(), 5)) << TableFiles(dir.path()) << " table files left";
}

// A start-up reads every record before RocksDB compacts the files it reads; once serving, it compacts.
TEST(StoreCompactionsTest, ACatalogCompactsOnceItsIndexIsBuilt) {
  TempDir dir;
  WriteFiveLevelZeroFiles(dir.path());
  auto catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->load_report().candidates_loaded, 250);
  EXPECT_TRUE(TableFilesFallBelow(dir.path(), 5)) << TableFiles(dir.path()) << " table files left";
}

Candidate Owned(const std::string& id, const std::string& owner, int french_hours = 0) {
  Candidate c = MasonCandidate(id);
  c.owner_id = owner;
  c.french_hours_planned = french_hours;
  return c;
}

TEST(CatalogPutTest, ALaterRecordOfALargeBatchReplacesAnEarlierOneWithTheSameId) {
  // The batch is written in stored-key order: records of the same id must keep their order among
  // themselves. 300 ids, each put twice, interleaved, so that the sort has equal keys to move.
  TempDir dir;
  auto catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  std::vector<Candidate> batch;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 300; ++i) batch.push_back(Owned(absl::StrCat("c-", i), "", round == 0 ? 10 : 40));
  }
  auto outcomes = catalog->PutCandidates("org-1", batch);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  for (size_t i = 0; i < batch.size(); ++i) EXPECT_EQ((*outcomes)[i].created, i < 300) << i;
  for (int i = 0; i < 300; ++i) {
    const std::string id = absl::StrCat("c-", i);
    EXPECT_EQ(catalog->GetCandidate("org-1", id)->record.french_hours_planned(), 40) << id;
    EXPECT_EQ(catalog->index().FindCandidate(QualifiedId("org-1", id))->record.french_hours_planned, 40) << id;
  }
}

TEST(CatalogPutTest, AnIdIsUniqueWithinItsOrganisationOnly) {
  TempDir dir;
  auto catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  // The owner_id a record carries is replaced by the organisation the caller acts for.
  auto outcomes = catalog->PutCandidates("org-1", {Owned("a", "someone-else"), Owned("b", ""), Owned("a", "", 40)});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_EQ(outcomes->size(), 3u);
  EXPECT_TRUE((*outcomes)[0].created);
  EXPECT_TRUE((*outcomes)[1].created);
  EXPECT_TRUE((*outcomes)[2].status.ok());
  EXPECT_FALSE((*outcomes)[2].created);
  EXPECT_EQ(catalog->GetCandidate("org-1", "a")->record.owner_id(), "org-1");
  EXPECT_EQ(catalog->GetCandidate("org-1", "a")->record.french_hours_planned(), 40);
  EXPECT_EQ(catalog->index().FindCandidate("org-1:a")->record.french_hours_planned, 40);

  // Another organisation's put of the same id makes a record of its own; neither sees the other's.
  outcomes = catalog->PutCandidates("org-2", {Owned("a", "org-1", 7)});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE((*outcomes)[0].created);
  EXPECT_EQ(catalog->GetCandidate("org-1", "a")->record.french_hours_planned(), 40);
  EXPECT_EQ(catalog->GetCandidate("org-2", "a")->record.french_hours_planned(), 7);
  EXPECT_TRUE(absl::IsNotFound(catalog->GetCandidate("org-2", "b").status()));
  EXPECT_EQ(catalog->candidate_count(), 3);

  // A delete by one organisation leaves the other's record, and the id cannot be taken over after it.
  EXPECT_TRUE(absl::IsNotFound(catalog->DeleteCandidate("org-2", "b")));
  ASSERT_TRUE(catalog->DeleteCandidate("org-1", "a").ok());
  EXPECT_EQ(catalog->GetCandidate("org-2", "a")->record.french_hours_planned(), 7);
  outcomes = catalog->PutCandidates("org-3", {Owned("a", "org-1")});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE(absl::IsNotFound(catalog->GetCandidate("org-1", "a").status()));

  // After a restart too, with records keyed by the pair.
  catalog.reset();
  catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->load_report().candidates_loaded, 3);
  EXPECT_NE(catalog->index().FindCandidate("org-3:a"), nullptr);
  EXPECT_EQ(catalog->index().FindCandidate("org-1:a"), nullptr);
  EXPECT_EQ(catalog->GetCandidate("org-2", "a")->record.french_hours_planned(), 7);
}

TEST(CatalogPutTest, LongIdsOfLongOrganisationsAndBadOrganisations) {
  TempDir dir;
  auto catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  const std::string organisation(64, 'o');
  const std::string id(128, 'i');
  auto outcomes = catalog->PutCandidates(organisation, {Owned(id, "")});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_TRUE((*outcomes)[0].status.ok()) << (*outcomes)[0].status;
  EXPECT_TRUE(catalog->GetCandidate(organisation, id)->matchable);
  outcomes = catalog->PutCandidates(organisation, {Owned(id + "x", "")});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE(absl::StartsWith((*outcomes)[0].status.message(), "id: ")) << (*outcomes)[0].status;
  for (const std::string& bad : std::vector<std::string>{"", "Org", "a:b", std::string(65, 'o'), "-org"}) {
    EXPECT_EQ(catalog->PutCandidates(bad, {Owned("c", "")}).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(CatalogPutTest, RejectedRecordsChangeNothingStored) {
  TempDir dir;
  auto catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->PutCandidates("org-1", {Owned("a", "org-1", 10), Owned("b", "org-1", 10)}).ok());
  const std::string stored_a = catalog->GetCandidate("org-1", "a")->record.SerializeAsString();

  Candidate unresolvable = Owned("a", "org-1", 99);
  unresolvable.commune_insee = "97999";
  Candidate new_bad = Owned("c", "org-1");
  new_bad.commune_insee = "97999";
  auto outcomes = catalog->PutCandidates("org-1", {unresolvable, new_bad, Owned("d", "org-1")});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_EQ((*outcomes)[0].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*outcomes)[1].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE((*outcomes)[2].status.ok());

  EXPECT_EQ(catalog->GetCandidate("org-1", "a")->record.SerializeAsString(), stored_a);
  EXPECT_EQ(catalog->index().FindCandidate("org-1:a")->record.french_hours_planned, 10);
  EXPECT_TRUE(absl::IsNotFound(catalog->GetCandidate("org-1", "c").status()));
  EXPECT_EQ(catalog->index().FindCandidate("org-1:c"), nullptr);
  EXPECT_EQ(catalog->candidate_count(), 3);
}

TEST(CatalogPutTest, StoredRecordThatNoLongerValidatesIsReplacedByAPut) {
  TempDir dir;
  {
    auto store = Store::Open(dir.path(), {});
    ASSERT_TRUE(store.ok());
    v1::Candidate stale = CandidateToProto(Owned("stale", "org-1"));
    stale.set_commune_insee("97999");
    WriteSet writes;
    writes.PutRecord(RecordKind::kCandidate, (*store)->RecordKey("org-1", "stale"),
                     EncodeStoredValue(0, stale.SerializeAsString()));
    ASSERT_TRUE((*store)->Commit(writes).ok());
  }
  auto catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  ASSERT_EQ(catalog->InvalidRecords().size(), 1u);
  EXPECT_EQ(catalog->InvalidRecords()[0].id, "org-1:stale");
  EXPECT_FALSE(catalog->GetCandidate("org-1", "stale")->matchable);
  auto outcomes = catalog->PutCandidates("org-1", {Owned("stale", "org-1")});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE((*outcomes)[0].status.ok());
  EXPECT_FALSE((*outcomes)[0].created);
  EXPECT_TRUE(catalog->InvalidRecords().empty());
  EXPECT_NE(catalog->index().FindCandidate("org-1:stale"), nullptr);
}

// Writers on several threads put and delete overlapping ids of one organisation. Whatever the
// interleaving, RocksDB and the index hold the same record, and a restart loads it back.
TEST(CatalogPutTest, ConcurrentWritersOfTheSameIdsKeepStoreAndIndexInStep) {
  TempDir dir;
  auto catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  constexpr int kIds = 40, kThreads = 4, kRounds = 30;
  std::vector<std::string> ids;
  for (int i = 0; i < kIds; ++i) ids.push_back(absl::StrCat("shared-", i));
  std::vector<std::thread> threads;
  std::vector<int> created(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        std::vector<Candidate> batch;
        for (int i = (t + round) % 3; i < kIds; i += 2) batch.push_back(Owned(ids[i], "", t * 100 + round));
        auto outcomes = catalog->PutCandidates("org-shared", batch);
        ASSERT_TRUE(outcomes.ok()) << outcomes.status();
        for (const PutOutcome& o : *outcomes) created[t] += o.created;
        if (round % 10 == 9) (void)catalog->DeleteCandidate("org-shared", ids[(t * 7 + round) % kIds]);
      }
    });
  }
  for (std::thread& t : threads) t.join();

  std::map<std::string, std::string> stored;
  for (const std::string& id : ids) {
    auto got = catalog->GetCandidate("org-shared", id);
    const auto indexed = catalog->index().FindCandidate(QualifiedId("org-shared", id));
    if (!got.ok()) {
      EXPECT_TRUE(absl::IsNotFound(got.status()));
      EXPECT_EQ(indexed, nullptr) << id;
      continue;
    }
    ASSERT_NE(indexed, nullptr) << id;
    Candidate unqualified = indexed->record;
    unqualified.id = id;
    EXPECT_EQ(CandidateToProto(unqualified).SerializeAsString(), got->record.SerializeAsString()) << id;
    stored[QualifiedId("org-shared", id)] = CandidateToProto(indexed->record).SerializeAsString();
  }
  EXPECT_EQ(catalog->candidate_count(), static_cast<int64_t>(stored.size()));
  catalog.reset();
  catalog = OpenCatalog(dir.path());
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(IndexedCandidates(*catalog, ids, "org-shared"), stored);
}

TEST(RecordCodecTest, ArenaEncodingGivesTheSameBytes) {
  CohortOptions options;
  options.candidates = 300;
  options.openings = 300;
  const CohortGenerator generator(SharedReferenceData(), options);
  google::protobuf::Arena arena;
  for (const Candidate& c : generator.Candidates()) {
    EXPECT_EQ(EncodeCandidate(c, &arena), CandidateToProto(c).SerializeAsString()) << c.id;
  }
  for (const Opening& o : generator.Openings()) {
    EXPECT_EQ(EncodeOpening(o, &arena), OpeningToProto(o).SerializeAsString()) << o.id;
  }
}

// The codec decodes and encodes well-formed dates itself; it must agree with ParseDay and FormatDay.
TEST(RecordCodecDatesTest, AgreeWithParseDayAndFormatDay) {
  Candidate c = MasonCandidate();
  for (Day day = 0; day <= 84001; ++day) {
    c.available_from = day;
    const v1::Candidate p = CandidateToProto(c);
    ASSERT_EQ(p.available_from(), FormatDay(day)) << day;
    auto back = CandidateFromProto(p);
    auto parsed = ParseDay(p.available_from(), "available_from");
    ASSERT_EQ(back.ok(), parsed.ok()) << day;
    if (parsed.ok()) { ASSERT_EQ(back->available_from, *parsed) << day; }
  }
  v1::Candidate p = CandidateToProto(c);
  for (const char* text : {"2026-02-29", "2024-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "1969-12-31",
                           "2200-01-01", "2199-12-31", "0000-01-01", "20260101", "2026-1-01", "2026/01/01",
                           " 2026-01-01", "2026-01-01 ", "+026-01-01", "2026-01-0a", "9999-12-31", ""}) {
    p.set_available_from(text);
    auto decoded = CandidateFromProto(p);
    auto parsed = ParseDay(text, "available_from");
    ASSERT_EQ(decoded.ok(), parsed.ok()) << text;
    if (parsed.ok()) {
      EXPECT_EQ(decoded->available_from, *parsed) << text;
    } else {
      EXPECT_EQ(decoded.status(), parsed.status()) << text;
    }
  }
}

}  // namespace
}  // namespace passerelle::engine::catalog_test
