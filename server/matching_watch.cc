// MatchingService's WatchMatches: a server stream of a watched record's top k and its changes.
//
// The stream's own thread (a synchronous handler) sends the current top, then loops: wait until the
// watch registry says a write concerns it (server/watch/watch_registry.h: coalesced, debounced), check
// that the caller may still read the watched record, recompute the top k on the index's current version,
// and send the difference (server/watch/match_diff.h) when there is one. While the thread is blocked on a
// slow reader's Write, later writes only accumulate in the watcher's bounded set: no queue grows.
//
// Trust: the watched record is located as MatchOpenings / MatchCandidates locate it (Readable), again at
// every recomputation (a revoked sharing agreement ends the stream with NOT_FOUND); an opening's watcher
// ranks only the candidates the caller may read, as MatchCandidates; candidate data sent is audited (the
// watched candidate once at the start, each candidate of an opening's watcher in each message).
#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "server/api_convert.h"
#include "server/matching_internal.h"
#include "server/matching_service.h"
#include "server/watch/match_diff.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: the helpers shared by the handlers

constexpr int kMaxWatchK = 100;
constexpr int kDefaultWatchK = 10;

absl::Status ValidateWatch(const v1::WatchMatchesRequest& request) {
  if (request.candidate_id().empty() == request.opening_id().empty()) {
    return engine::InvalidFieldError(request.candidate_id().empty() ? "candidate_id" : "opening_id",
                                     "set exactly one of candidate_id and opening_id");
  }
  if (request.k() < 0 || request.k() > kMaxWatchK) {
    return engine::InvalidFieldError("k", absl::StrCat("must be in [0, ", kMaxWatchK, "]"));
  }
  if (!(request.min_score() >= 0 && request.min_score() <= 1)) {
    return engine::InvalidFieldError("min_score", "must be in [0, 1]");
  }
  return absl::OkStatus();
}

// An index error about the watched record: NotFound there means stored but no longer matchable.
absl::Status WatchedRecordStatus(const absl::Status& status, const std::string& qualified, const std::string& id,
                                 absl::string_view field) {
  if (!absl::IsNotFound(status)) return Unqualify(status, qualified, id);
  return engine::FieldStatus(absl::StatusCode::kFailedPrecondition, field,
                             absl::StrCat("\"", id, "\" is stored but no longer validates against the reference "
                                                    "data; see GetStatus, then put it again"));
}

}  // namespace

absl::StatusOr<std::vector<WatchedMatch>> MatchingService::WatchedTop(const Claims& claims,
                                                                      const v1::WatchMatchesRequest& request,
                                                                      const engine::ScoringProfile& profile) const {
  engine::MatchQuery query;
  query.k = request.k() == 0 ? kDefaultWatchK : request.k();
  query.min_score = request.min_score();
  query.explain = false;
  query.today = engine::DayOf(absl::Now());
  absl::StatusOr<engine::MatchResult> result;
  if (!request.candidate_id().empty()) {
    PASSERELLE_ASSIGN_OR_RETURN(const auto located,
                                Readable<CandidateKind>(claims, request.candidate_id(), request.candidate_owner()));
    const std::string qualified = engine::QualifiedId(located.organisation, request.candidate_id());
    result = catalog_->index().MatchOpenings(qualified, query, profile);
    if (!result.ok()) return WatchedRecordStatus(result.status(), qualified, request.candidate_id(), "candidate_id");
  } else {
    PASSERELLE_ASSIGN_OR_RETURN(const auto located,
                                Readable<OpeningKind>(claims, request.opening_id(), request.opening_owner()));
    const std::string qualified = engine::QualifiedId(located.organisation, request.opening_id());
    query.visibility = VisibilityOf(gate_->authorizer().CandidatesVisibleTo(claims));
    result = catalog_->index().MatchCandidates(qualified, query, profile);
    if (!result.ok()) return WatchedRecordStatus(result.status(), qualified, request.opening_id(), "opening_id");
  }
  std::vector<WatchedMatch> top;
  for (const engine::ScoredMatch& m : result->matches) {
    WatchedMatch watched;
    watched.qualified_id = m.id;
    MatchToProto(m, profile, /*explained=*/false, &watched.match);
    const auto [organisation, id] = engine::SplitQualifiedId(m.id);
    watched.match.set_owner_id(std::string(organisation));
    watched.match.set_id(std::string(id));
    top.push_back(std::move(watched));
  }
  return top;
}

grpc::Status MatchingService::WatchMatches(grpc::ServerContext* context, const v1::WatchMatchesRequest* request,
                                           grpc::ServerWriter<v1::WatchMatchesResponse>* writer) {
  return Run(*context, "WatchMatches", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(ValidateWatch(*request));
    const bool of_candidate = !request->candidate_id().empty();
    // A candidate's best openings are MatchOpenings' answer: the same roles.
    if (of_candidate) PASSERELLE_RETURN_IF_ERROR(gate_->authorizer().AuthorizeMethod(claims, "MatchOpenings"));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    std::string watched;
    if (of_candidate) {
      PASSERELLE_ASSIGN_OR_RETURN(const auto located,
                                  Readable<CandidateKind>(claims, request->candidate_id(), request->candidate_owner()));
      watched = engine::QualifiedId(located.organisation, request->candidate_id());
    } else {
      PASSERELLE_ASSIGN_OR_RETURN(const auto located,
                                  Readable<OpeningKind>(claims, request->opening_id(), request->opening_owner()));
      watched = engine::QualifiedId(located.organisation, request->opening_id());
    }
    PASSERELLE_ASSIGN_OR_RETURN(
        const std::shared_ptr<Watcher> watcher,
        watches_.Add(claims.organisation, of_candidate ? engine::IndexTable::kCandidates : engine::IndexTable::kOpenings,
                     watched));
    absl::Cleanup remove = [&] { watches_.Remove(watcher); };

    PASSERELLE_ASSIGN_OR_RETURN(std::vector<WatchedMatch> top, WatchedTop(claims, *request, *profile));
    std::vector<std::string> audited;
    if (of_candidate) {
      audited.push_back(watched);
    } else {
      for (const WatchedMatch& m : top) audited.push_back(m.qualified_id);
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "WatchMatches", audited));
    v1::WatchMatchesResponse first;
    first.set_sequence(1);
    for (const WatchedMatch& m : top) *first.add_top() = m.match;
    if (!writer->Write(first)) return BatchStopStatus(context, "the client stopped reading");

    int64_t sequence = 1;
    const auto should_stop = [&] { return BatchShouldStop(context); };
    const auto removed = [&](const std::string& id) {
      return of_candidate ? catalog_->index().FindOpening(id) == nullptr
                          : catalog_->index().FindCandidate(id) == nullptr;
    };
    absl::Cleanup count = [&] { log.Count("messages", sequence); };
    while (true) {
      std::optional<WatchHints> hints = watcher->Wait(should_stop);
      if (!hints.has_value()) return BatchStopStatus(context, "the watch ended");
      // NotFound: the watched record was deleted, or the caller may no longer read it.
      PASSERELLE_ASSIGN_OR_RETURN(std::vector<WatchedMatch> next, WatchedTop(claims, *request, *profile));
      std::vector<v1::MatchChange> changes = DiffTops(top, next, *hints, removed);
      top = std::move(next);
      if (changes.empty()) continue;
      if (!of_candidate) {
        audited.clear();
        for (const v1::MatchChange& c : changes) {
          if (c.kind() != v1::MATCH_CHANGE_KIND_LEFT) audited.push_back(engine::QualifiedId(c.match().owner_id(), c.match().id()));
        }
        PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "WatchMatches", audited));
      }
      v1::WatchMatchesResponse message;
      message.set_sequence(++sequence);
      for (v1::MatchChange& c : changes) *message.add_changes() = std::move(c);
      if (!writer->Write(message)) return BatchStopStatus(context, "the client stopped reading");
    }
  });
}

}  // namespace passerelle::server
