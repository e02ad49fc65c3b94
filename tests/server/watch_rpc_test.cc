// WatchMatches through an in-process server: the first top, thousands of updates replayed from the
// changes to the same top MatchOpenings gives, a slow reader, visibility and reasons for an opening's
// watcher, the end of a stream whose record is deleted, the watcher limit; and the registry's bounds.
#include <algorithm>

#include "server/watch/watch_registry.h"
#include "tests/server/access_fixture.h"

namespace passerelle::server::testing {
namespace {

using Reader = grpc::ClientReader<v1::WatchMatchesResponse>;

// A watched top rebuilt from the stream: ids best first.
struct Replayed {
  std::vector<std::string> ids;

  // Applies one later message; false (with a test failure) when it does not fit the current top.
  bool Apply(const v1::WatchMatchesResponse& message) {
    std::vector<std::string> next;
    size_t left = 0, entered = 0;
    std::map<int, std::string> at;
    for (const v1::MatchChange& c : message.changes()) {
      if (c.kind() == v1::MATCH_CHANGE_KIND_LEFT) {
        ++left;
        EXPECT_EQ(ids.at(c.previous_rank() - 1), c.match().id());
      } else {
        entered += c.kind() == v1::MATCH_CHANGE_KIND_ENTERED ? 1 : 0;
        at[c.rank()] = c.match().id();
      }
      EXPECT_NE(c.reason(), v1::MATCH_CHANGE_REASON_UNSPECIFIED);
    }
    const size_t size = ids.size() - left + entered;
    for (size_t i = 0; i < size; ++i) {
      auto it = at.find(static_cast<int>(i + 1));
      if (it != at.end()) {
        next.push_back(it->second);
      } else if (i < ids.size()) {
        next.push_back(ids[i]);  // unchanged: same rank as before
      } else {
        ADD_FAILURE() << "rank " << i + 1 << " is neither changed nor held before";
        return false;
      }
    }
    ids = std::move(next);
    return true;
  }
};

ServerOptions WatchOptions() {
  ServerOptions options;
  options.limits.import_batch_items = 10;  // an import of 100 openings is 10 index writes
  options.limits.watch_debounce_ms = 20;
  options.limits.max_watchers_per_organisation = 2;
  return options;
}

class WatchRpcTest : public AccessRpcTest {
 protected:
  WatchRpcTest() : AccessRpcTest(WatchOptions()) {}

  std::vector<std::string> CurrentTop(int k) {
    v1::MatchOpeningsRequest request;
    request.set_candidate_id("cand-mason");
    request.set_k(k);
    request.set_explain(false);
    v1::MatchOpeningsResponse response;
    EXPECT_TRUE(Call(server_.stub(), &Stub::MatchOpenings, request, &response).ok());
    std::vector<std::string> ids;
    for (const v1::Match& m : response.matches()) ids.push_back(m.id());
    return ids;
  }
  // Imports `count` openings "open-<round>-<i>" in varied communes with varied training, as the employer.
  void ImportOpenings(int round, int count) {
    static const char* const kCommunes[] = {"93048", "93001", "92050", "94028", "95018", "75056", "93066", "93008"};
    grpc::ClientContext context;
    v1::ImportResponse response;
    auto writer = server_.stub().ImportOpenings(&context, &response);
    for (int i = 0; i < count; ++i) {
      v1::ImportOpeningsRequest item;
      *item.mutable_opening() = MasonOpening(absl::StrCat("open-", round, "-", i), kCommunes[(round + i) % 8]);
      item.mutable_opening()->clear_owner_id();
      item.mutable_opening()->set_french_training_hours(static_cast<float>((i * 37 + round * 11) % 500));
      ASSERT_TRUE(writer->Write(item));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_EQ(response.accepted_count(), count);
  }
  // Reads until the replayed top equals `want` (the stream's deadline ends a test that would wait forever).
  void ReadUntil(Reader& reader, Replayed& top, const std::vector<std::string>& want, int* messages) {
    v1::WatchMatchesResponse message;
    while (top.ids != want) {
      ASSERT_TRUE(reader.Read(&message)) << "stream ended before the top caught up";
      ASSERT_TRUE(top.Apply(message));
      ++*messages;
    }
  }
};

std::unique_ptr<Reader> Watch(Stub& stub, grpc::ClientContext* context, const v1::WatchMatchesRequest& request,
                              Replayed* first) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(90));
  auto reader = stub.WatchMatches(context, request);
  v1::WatchMatchesResponse message;
  if (reader->Read(&message)) {
    EXPECT_EQ(message.sequence(), 1);
    for (const v1::Match& m : message.top()) first->ids.push_back(m.id());
  }
  return reader;
}

TEST_F(WatchRpcTest, ThousandsOfUpdatesReplayToTheCurrentTop) {
  v1::WatchMatchesRequest request;
  request.set_candidate_id("cand-mason");
  request.set_k(8);
  grpc::ClientContext context;
  Replayed top;
  auto reader = Watch(server_.stub(), &context, request, &top);
  EXPECT_EQ(top.ids, CurrentTop(8));
  EXPECT_EQ(top.ids, std::vector<std::string>{"open-bobigny"});
  int messages = 0;
  for (int round = 0; round < 20; ++round) {
    ImportOpenings(round, 100);  // 2,000 openings in 200 index writes
    if (round % 5 == 4) {         // and some leave
      v1::DeleteOpeningRequest del;
      del.set_opening_id(top.ids.empty() ? "open-bobigny" : top.ids.front());
      Call(server_.stub(), &Stub::DeleteOpening, del);
    }
    ReadUntil(*reader, top, CurrentTop(8), &messages);
  }
  EXPECT_EQ(top.ids.size(), 8u);
  EXPECT_GT(messages, 0);
  context.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), Code::CANCELLED);
}

TEST_F(WatchRpcTest, ASlowReaderGetsTheChangesCoalesced) {
  v1::WatchMatchesRequest request;
  request.set_candidate_id("cand-mason");
  request.set_k(5);
  grpc::ClientContext context;
  Replayed top;
  auto reader = Watch(server_.stub(), &context, request, &top);
  // Nothing is read while 1,000 openings arrive in 100 writes.
  for (int round = 0; round < 10; ++round) ImportOpenings(round, 100);
  int messages = 0;
  ReadUntil(*reader, top, CurrentTop(5), &messages);
  EXPECT_LE(messages, 100);  // at most one per write, never a backlog beyond them
  context.TryCancel();
  reader->Finish();
}

TEST_F(WatchRpcTest, AnOpeningsWatcherSeesOnlyConsentingCandidatesWithReasons) {
  auto employer = As(kEmployerOrg, Role::kEmployer);
  v1::WatchMatchesRequest request;
  request.set_opening_id("open-bobigny");
  grpc::ClientContext context;
  Replayed top;
  auto reader = Watch(*employer, &context, request, &top);
  EXPECT_TRUE(top.ids.empty());  // the mason has not consented
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("cand-shared");
  put.mutable_candidate()->clear_owner_id();
  put.mutable_candidate()->set_shared_with_employers(true);
  ASSERT_TRUE(Call(server_.stub(), &Stub::PutCandidate, put).ok());
  v1::WatchMatchesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_EQ(message.changes_size(), 1);
  EXPECT_EQ(message.changes(0).kind(), v1::MATCH_CHANGE_KIND_ENTERED);
  EXPECT_EQ(message.changes(0).reason(), v1::MATCH_CHANGE_REASON_RECORD_PUT);
  EXPECT_EQ(message.changes(0).match().id(), "cand-shared");
  EXPECT_EQ(message.changes(0).rank(), 1);
  v1::DeleteCandidateRequest del;
  del.set_candidate_id("cand-shared");
  ASSERT_TRUE(Call(server_.stub(), &Stub::DeleteCandidate, del).ok());
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_EQ(message.changes_size(), 1);
  EXPECT_EQ(message.changes(0).kind(), v1::MATCH_CHANGE_KIND_LEFT);
  EXPECT_EQ(message.changes(0).reason(), v1::MATCH_CHANGE_REASON_RECORD_REMOVED);
  EXPECT_EQ(message.changes(0).previous_rank(), 1);
  context.TryCancel();
  reader->Finish();
}

TEST_F(WatchRpcTest, DeletingTheWatchedRecordEndsTheStreamAndOthersCannotWatchIt) {
  v1::WatchMatchesRequest request;
  request.set_candidate_id("cand-mason");
  // Another organisation's counsellor gets the answer of an absent id.
  auto other = As(kOtherOrg, Role::kCounsellor);
  grpc::ClientContext refused;
  Replayed none;
  EXPECT_EQ(Watch(*other, &refused, request, &none)->Finish().error_code(), Code::NOT_FOUND);
  // An employer may not watch a candidate at all.
  auto employer = As(kEmployerOrg, Role::kEmployer);
  grpc::ClientContext denied;
  EXPECT_EQ(Watch(*employer, &denied, request, &none)->Finish().error_code(), Code::PERMISSION_DENIED);

  grpc::ClientContext context;
  Replayed top;
  auto reader = Watch(server_.stub(), &context, request, &top);
  v1::DeleteCandidateRequest del;
  del.set_candidate_id("cand-mason");
  ASSERT_TRUE(Call(server_.stub(), &Stub::DeleteCandidate, del).ok());
  v1::WatchMatchesResponse message;
  while (reader->Read(&message)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), Code::NOT_FOUND);
}

TEST_F(WatchRpcTest, AnOrganisationHoldsAtMostItsLimitOfWatchers) {
  v1::WatchMatchesRequest request;
  request.set_candidate_id("cand-mason");
  grpc::ClientContext c1, c2, c3;
  Replayed t1, t2, t3;
  auto r1 = Watch(server_.stub(), &c1, request, &t1);
  auto r2 = Watch(server_.stub(), &c2, request, &t2);
  ASSERT_EQ(t1.ids.size(), 1u);
  ASSERT_EQ(t2.ids.size(), 1u);
  auto r3 = Watch(server_.stub(), &c3, request, &t3);
  EXPECT_EQ(r3->Finish().error_code(), Code::RESOURCE_EXHAUSTED);
  c1.TryCancel();
  r1->Finish();
  // A slot freed is a slot to take again (the server notices the cancellation within its poll period).
  grpc::Status status;
  for (int attempt = 0; attempt < 100; ++attempt) {
    grpc::ClientContext c4;
    Replayed t4;
    auto r4 = Watch(server_.stub(), &c4, request, &t4);
    if (!t4.ids.empty()) {
      c4.TryCancel();
      r4->Finish();
      status = grpc::Status::OK;
      break;
    }
    status = r4->Finish();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
  c2.TryCancel();
  r2->Finish();
}

TEST(WatchRegistryTest, LimitsAndABoundedMemoryOfWrites) {
  WatchRegistryOptions options;
  options.max_per_organisation = 2;
  options.max_total = 3;
  options.debounce = absl::ZeroDuration();
  WatchRegistry registry(options);
  auto a1 = registry.Add("a", engine::IndexTable::kCandidates, "a:c1");
  auto a2 = registry.Add("a", engine::IndexTable::kCandidates, "a:c2");
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(registry.Add("a", engine::IndexTable::kCandidates, "a:c3").status()));
  auto b1 = registry.Add("b", engine::IndexTable::kOpenings, "b:o1");
  ASSERT_TRUE(b1.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(registry.Add("c", engine::IndexTable::kOpenings, "c:o1").status()));

  // 10,000 opening writes: a candidate's watcher keeps a bounded set, then only "overflowed".
  std::vector<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.push_back(absl::StrCat("b:o-", i));
  registry.Notify(engine::IndexTable::kOpenings, ids);
  auto never = [] { return false; };
  std::optional<WatchHints> hints = (*a1)->Wait(never);
  ASSERT_TRUE(hints.has_value());
  EXPECT_TRUE(hints->overflowed);
  EXPECT_TRUE(hints->written.empty());
  EXPECT_FALSE(hints->watched_written);
  // An opening's watcher is not concerned by openings other than its own...
  registry.Notify(engine::IndexTable::kCandidates, {"a:c9"});
  registry.Notify(engine::IndexTable::kOpenings, {"b:o1"});
  hints = (*b1)->Wait(never);
  ASSERT_TRUE(hints.has_value());
  EXPECT_TRUE(hints->watched_written);
  EXPECT_EQ(hints->written, absl::flat_hash_set<std::string>{"a:c9"});
  // ... and shutdown wakes every watcher for good.
  registry.Remove(*a2);
  registry.Shutdown();
  EXPECT_FALSE((*a1)->Wait(never).has_value());
  EXPECT_TRUE(absl::IsUnavailable(registry.Add("d", engine::IndexTable::kOpenings, "d:o").status()));
}

}  // namespace
}  // namespace passerelle::server::testing
