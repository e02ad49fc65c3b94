// The passerelle.v1.Matching service: request validation, proto <-> engine conversion and status mapping
// over an engine::Catalog. absl::Status inside; grpc::Status only at the return of each handler.
//
// Deadlines: every handler checks the call's deadline and cancellation before it writes or runs a query,
// and an import checks between items: a call whose deadline has passed writes nothing more. The batch
// rpcs (Rerank, Assign) also check between candidates and stop when the client cancels, the deadline
// passes or a shutdown starts. A call without a client deadline still has the server's (CallDeadlineOptions,
// enforced by the gate's CallWatchdog, which cancels the call: the same checks then stop it).
//
// Shutdown: Drain() refuses new calls and waits for running ones, so that the gRPC server can then be
// stopped at once instead of waiting for idle client connections to go away.
//
// Thread-safety: thread-safe (handlers run concurrently on gRPC's threads; the catalog serialises writers).
#ifndef PASSERELLE_SERVER_MATCHING_SERVICE_H_
#define PASSERELLE_SERVER_MATCHING_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/call_once.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/refdata/search.h"
#include "engine/store/catalog.h"
#include "passerelle/v1/matching.grpc.pb.h"
#include "server/call_gate.h"
#include "server/call_log.h"
#include "server/cluster/node.h"
#include "server/francetravail/offer_mapping.h"
#include "server/watch/match_diff.h"
#include "server/watch/watch_registry.h"

namespace passerelle::server {

struct ServiceLimits {
  // Largest k and near_misses a match request may ask, in [1, engine::kMaxK].
  // Default: 1000
  int max_k = engine::kMaxK;
  // Import items committed per synced batch; an item is reported accepted only once its batch is synced.
  // Default: 1000
  int import_batch_items = 1000;
  // Items one import stream may carry; items past it are rejected (RESOURCE_EXHAUSTED) and not stored.
  // Default: 100000
  int64_t max_import_items = 100000;
  // Batch calls (Rerank, Assign) that may run at once; more fail with RESOURCE_EXHAUSTED. Each uses all
  // cores for seconds to minutes, so this keeps interactive queries responsive.
  // Default: 2
  int max_batch_calls = 2;
  // WatchMatches streams one organisation may hold open at once; more fail with RESOURCE_EXHAUSTED.
  // Each holds a server thread while open.
  // Default: 16
  int max_watchers_per_organisation = 16;
  // WatchMatches streams the whole server may hold open at once.
  // Default: 256
  int max_watchers = 256;
  // After a write that concerns a watcher, wait this long for more before recomputing its top k, so
  // that a burst of writes gives one recomputation and one message.
  // Default: 100
  int watch_debounce_ms = 100;
};

// The query rpcs (MatchOpenings, MatchCandidates, Explain) use gRPC's callback API: they only read memory,
// so they run on the thread that received the call instead of being handed to a synchronous worker
// thread, which cost about as much as the query itself (a thread switch each way). Everything that
// writes to disk or runs long (puts, imports, Rerank, Assign) stays synchronous, where blocking is fine.
using MatchingServiceBase = v1::Matching::WithCallbackMethod_MatchOpenings<
    v1::Matching::WithCallbackMethod_MatchCandidates<v1::Matching::WithCallbackMethod_Explain<v1::Matching::Service>>>;

class MatchingService final : public MatchingServiceBase {
 public:
  // `catalog` and `gate` must outlive the service. Every call goes through `gate` (who calls, may this
  // role call this method, the organisation's limits), then the handler checks each record it touches
  // with gate->authorizer().
  // The import rpcs are registered to read their items as bytes (server/import_stream.h).
  MatchingService(engine::Catalog* catalog, const ServiceLimits& limits, CallGate* gate);
  ~MatchingService() override;

  // Refuses new calls from now on (UNAVAILABLE, nothing done) and tells running batch calls to stop.
  void RefuseNewCalls();
  // RefuseNewCalls(), then waits
  // until the calls already running have returned, or `grace` has passed; returns whether they all
  // returned.
  bool Drain(absl::Duration grace);

  // Cluster mode (docs/cluster.md): record writes go through `node`'s replicated log, and a call carrying
  // x-passerelle-min-sequence waits up to `min_sequence_wait` for this node to apply it. Call before
  // serving; `node` must outlive the service. Without it (the default) the service writes to the catalog.
  void SetClusterNode(cluster::Node* node, absl::Duration min_sequence_wait);

  grpc::Status PutCandidate(grpc::ServerContext* context, const v1::PutCandidateRequest* request,
                            v1::PutCandidateResponse* response) override;
  grpc::Status PutOpening(grpc::ServerContext* context, const v1::PutOpeningRequest* request,
                          v1::PutOpeningResponse* response) override;
  grpc::Status GetCandidate(grpc::ServerContext* context, const v1::GetCandidateRequest* request,
                            v1::GetCandidateResponse* response) override;
  grpc::Status GetOpening(grpc::ServerContext* context, const v1::GetOpeningRequest* request,
                          v1::GetOpeningResponse* response) override;
  grpc::Status DeleteCandidate(grpc::ServerContext* context, const v1::DeleteCandidateRequest* request,
                               v1::DeleteCandidateResponse* response) override;
  grpc::Status DeleteOpening(grpc::ServerContext* context, const v1::DeleteOpeningRequest* request,
                             v1::DeleteOpeningResponse* response) override;
  grpc::ServerUnaryReactor* MatchOpenings(grpc::CallbackServerContext* context, const v1::MatchOpeningsRequest* request,
                                          v1::MatchOpeningsResponse* response) override;
  grpc::ServerUnaryReactor* MatchCandidates(grpc::CallbackServerContext* context,
                                            const v1::MatchCandidatesRequest* request,
                                            v1::MatchCandidatesResponse* response) override;
  grpc::ServerUnaryReactor* Explain(grpc::CallbackServerContext* context, const v1::ExplainRequest* request,
                                    v1::ExplainResponse* response) override;
  grpc::Status PutScoringProfile(grpc::ServerContext* context, const v1::PutScoringProfileRequest* request,
                                 v1::PutScoringProfileResponse* response) override;
  grpc::Status GetScoringProfile(grpc::ServerContext* context, const v1::GetScoringProfileRequest* request,
                                 v1::GetScoringProfileResponse* response) override;
  grpc::Status ListScoringProfiles(grpc::ServerContext* context, const v1::ListScoringProfilesRequest* request,
                                   v1::ListScoringProfilesResponse* response) override;
  grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;
  grpc::Status Rerank(grpc::ServerContext* context, const v1::RerankRequest* request,
                      grpc::ServerWriter<v1::RerankResponse>* writer) override;
  grpc::Status Assign(grpc::ServerContext* context, const v1::AssignRequest* request,
                      v1::AssignResponse* response) override;
  // In matching_cohorts.cc.
  grpc::Status FormCohorts(grpc::ServerContext* context, const v1::FormCohortsRequest* request,
                           grpc::ServerWriter<v1::FormCohortsResponse>* writer) override;

  // Integration rpcs: matching_list.cc (List*), matching_search.cc (Search*, Lookup*), matching_watch.cc.
  grpc::Status ListCandidates(grpc::ServerContext* context, const v1::ListCandidatesRequest* request,
                              v1::ListCandidatesResponse* response) override;
  grpc::Status ListOpenings(grpc::ServerContext* context, const v1::ListOpeningsRequest* request,
                            v1::ListOpeningsResponse* response) override;
  grpc::Status SearchOpenings(grpc::ServerContext* context, const v1::SearchOpeningsRequest* request,
                              v1::MatchOpeningsResponse* response) override;
  grpc::Status SearchCandidates(grpc::ServerContext* context, const v1::SearchCandidatesRequest* request,
                                v1::MatchCandidatesResponse* response) override;
  grpc::Status LookupOccupations(grpc::ServerContext* context, const v1::LookupOccupationsRequest* request,
                                 v1::LookupOccupationsResponse* response) override;
  grpc::Status LookupCommunes(grpc::ServerContext* context, const v1::LookupCommunesRequest* request,
                              v1::LookupCommunesResponse* response) override;
  grpc::Status LookupSkills(grpc::ServerContext* context, const v1::LookupSkillsRequest* request,
                            v1::LookupSkillsResponse* response) override;
  grpc::Status WatchMatches(grpc::ServerContext* context, const v1::WatchMatchesRequest* request,
                            grpc::ServerWriter<v1::WatchMatchesResponse>* writer) override;

 private:
  // The handlers of both kinds of record (Kind: CandidateKind or OpeningKind in the .cc).
  template <class Kind>
  absl::Status Import(grpc::ServerContext* context, const Claims& claims, grpc::ServerReader<grpc::ByteBuffer>* reader,
                      v1::ImportResponse* response);
  // ImportCandidates and ImportOpenings, their items read as bytes.
  grpc::Status ImportCandidatesBytes(grpc::ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* reader,
                                     v1::ImportResponse* response);
  grpc::Status ImportOpeningsBytes(grpc::ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* reader,
                                   v1::ImportResponse* response);
  grpc::Status ImportFranceTravailOffersBytes(grpc::ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* reader,
                                              v1::ImportFranceTravailOffersResponse* response);
  // A stored record and the organisation that owns it.
  template <class Message>
  struct Located {
    engine::StoredRecord<Message> stored;
    std::string organisation;
  };
  // The record `id` of `owner` ("" = looked up as matching.proto's *_owner fields say) when `claims` may
  // read it; the same NotFound as for an absent one otherwise.
  template <class Kind>
  absl::StatusOr<Located<typename Kind::Message>> Readable(const Claims& claims, const std::string& id,
                                                           const std::string& owner) const;
  // Readable(...).organisation, from the index's copy of the record where it can (matching_internal.h).
  template <class Kind>
  absl::StatusOr<std::string> ReadableOwner(const Claims& claims, const std::string& id,
                                            const std::string& owner) const;
  // Returns whether the id was new. `message` null: the request has none.
  template <class Kind>
  absl::StatusOr<bool> PutRecord(grpc::ServerContext* context, const Claims& claims,
                                 const typename Kind::Message* message);
  template <class Kind>
  absl::Status GetRecord(const grpc::ServerContextBase& context, const Claims& claims, const std::string& id,
                         const std::string& owner, typename Kind::Message* out, bool* matchable);
  template <class Kind>
  absl::Status DeleteRecord(grpc::ServerContext* context, const Claims& claims, const std::string& id);

  // One page of records of a kind (matching_list.cc).
  template <class Kind, class Request, class Response>
  absl::Status ListRecords(const grpc::ServerContext* context, CallLog& log, const Claims& claims,
                           const Request& request, Response* response);
  // The watched top k now (matching_watch.cc).
  absl::StatusOr<std::vector<WatchedMatch>> WatchedTop(const Claims& claims, const v1::WatchMatchesRequest& request,
                                                       const engine::ScoringProfile& profile) const;

  // Admits the call unless draining, passes it through the gate, runs fn(log, claims), logs the call
  // and converts its status.
  template <class Fn>
  grpc::Status Run(grpc::ServerContextBase& context, absl::string_view method, Fn&& fn);

  // Takes one of the limits_.max_batch_calls slots and one of the organisation's (ResourceExhausted
  // when none is free); LeaveBatch() gives them back.
  absl::Status EnterBatch(const Claims& claims);
  void LeaveBatch(const Claims& claims);
  // True once a batch call should stop: the client cancelled, the deadline passed, or a shutdown started.
  bool BatchShouldStop(const grpc::ServerContext* context) const;
  // The status of a batch call the engine stopped (Cancelled), by the reason it stopped: Unavailable
  // (shutdown), DeadlineExceeded or Cancelled; `what` (the engine's message) says how far it went.
  absl::Status BatchStopStatus(const grpc::ServerContext* context, absl::string_view what) const;
  // Assign with pools_only (matching_pools.cc): this node's pools instead of an assignment.
  absl::Status AnswerPools(const grpc::ServerContext* context, CallLog& log, const Claims& claims,
                           const engine::ScoringProfile& profile, const engine::CohortAssignmentOptions& options,
                           v1::AssignResponse* response);

  // The France Travail offer mapping, built on first use (its label indexes take a moment; most servers
  // never import offers).
  const francetravail::OfferMapper& offer_mapper();

  // Cluster mode (matching_cluster.cc): OK once this node applied the call's x-passerelle-min-sequence
  // (none: at once), Unavailable after min_sequence_wait_, InvalidArgument when it is not a number.
  absl::Status AwaitMinSequence(const grpc::ServerContextBase& context) const;
  // PutScoringProfile in cluster mode: validated here, then through the log.
  absl::Status PutProfileThroughLog(grpc::ServerContextBase& context, const v1::ScoringProfile& profile,
                                    v1::PutScoringProfileResponse* response);

  engine::Catalog* const catalog_;
  const ServiceLimits limits_;
  CallGate* const gate_;
  const engine::ReferenceSearch reference_search_;
  WatchRegistry watches_;
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;  // calls admitted and not yet returned
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  int batch_running_ ABSL_GUARDED_BY(mu_) = 0;  // batch calls holding a slot
  std::atomic<bool> stopping_{false};            // set by Drain(); read by running batch calls
  absl::once_flag offer_mapper_once_;
  std::unique_ptr<francetravail::OfferMapper> offer_mapper_;
  cluster::Node* cluster_node_ = nullptr;  // set before serving; null: single process
  absl::Duration min_sequence_wait_ = absl::Seconds(2);
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_MATCHING_SERVICE_H_
