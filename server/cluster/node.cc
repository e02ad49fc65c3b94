#include "server/cluster/node.h"

#include <algorithm>
#include <cstdio>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"
#include "engine/store/record_codec.h"
#include "passerelle/cluster_log.pb.h"

namespace passerelle::cluster {
namespace {

// Outcomes kept for writes of this node that nobody took (their caller gave up waiting).
constexpr size_t kMaxUnclaimedOutcomes = 4096;
// Pause before trying again after the log or the store failed.
constexpr absl::Duration kRetryPause = absl::Milliseconds(500);

bool ValidNodeId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char ch : id) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                    ch == '-';
    if (!ok) return false;
  }
  return true;
}

// Puts `records`, each decoded by `decode` (a record that does not decode is rejected on its own, as the
// catalog rejects one that does not resolve); outcomes in the records' order.
template <class Proto, class Decode, class Put>
absl::StatusOr<std::vector<engine::PutOutcome>> PutDecoded(const google::protobuf::RepeatedPtrField<Proto>& records,
                                                           absl::string_view organisation, Decode decode, Put put) {
  std::vector<engine::PutOutcome> outcomes(records.size());
  std::vector<int> positions;
  using Record = typename std::invoke_result_t<Decode, const Proto&, engine::Day*>::value_type;
  std::vector<Record> decoded;
  std::vector<engine::Day> expiries;
  for (int i = 0; i < records.size(); ++i) {
    engine::Day expiry = 0;
    absl::StatusOr<Record> record = decode(records[i], &expiry);
    if (!record.ok()) {
      outcomes[i].status = record.status();
      continue;
    }
    record->owner_id = std::string(organisation);
    decoded.push_back(*std::move(record));
    expiries.push_back(expiry);
    positions.push_back(i);
  }
  if (decoded.empty()) return outcomes;
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> put_outcomes, put(decoded, expiries));
  for (size_t j = 0; j < positions.size(); ++j) outcomes[positions[j]] = std::move(put_outcomes[j]);
  return outcomes;
}

// The entries ApplyRecord applies to the catalog; the others go to NodeOptions::apply_other.
bool IsCatalogWrite(const LogRecord& record) {
  switch (record.write_case()) {
    case LogRecord::kPutCandidates:
    case LogRecord::kPutOpenings:
    case LogRecord::kPutProfile:
    case LogRecord::kDeleteCandidate:
    case LogRecord::kDeleteOpening:
      return true;
    default:
      return false;
  }
}

}  // namespace

const char* NodeHealthName(NodeHealth health) {
  switch (health) {
    case NodeHealth::kStarting: return "starting";
    case NodeHealth::kCatchingUp: return "catching up";
    case NodeHealth::kServing: return "serving";
    case NodeHealth::kDraining: return "draining";
  }
  return "?";
}

absl::StatusOr<ApplyOutcome> ApplyRecord(engine::Catalog* catalog, const LogRecord& record) {
  ApplyOutcome outcome;
  const std::string& organisation = record.organisation();
  switch (record.write_case()) {
    case LogRecord::kPutCandidates: {
      auto decode = [](const v1::Candidate& m, engine::Day*) { return engine::CandidateFromProto(m); };
      auto put = [&](const std::vector<engine::Candidate>& records, const std::vector<engine::Day>&) {
        return catalog->PutCandidates(organisation, records);
      };
      PASSERELLE_ASSIGN_OR_RETURN(outcome.puts, PutDecoded(record.put_candidates().candidates(), organisation,
                                                           decode, put));
      return outcome;
    }
    case LogRecord::kPutOpenings: {
      auto decode = [](const v1::Opening& m, engine::Day* expiry) -> absl::StatusOr<engine::Opening> {
        PASSERELLE_ASSIGN_OR_RETURN(*expiry, engine::OpeningExpiryFromProto(m));
        return engine::OpeningFromProto(m);
      };
      auto put = [&](const std::vector<engine::Opening>& records, const std::vector<engine::Day>& expiries) {
        return catalog->PutOpenings(organisation, records, expiries);
      };
      PASSERELLE_ASSIGN_OR_RETURN(outcome.puts,
                                  PutDecoded(record.put_openings().openings(), organisation, decode, put));
      return outcome;
    }
    case LogRecord::kPutProfile: {
      absl::StatusOr<bool> created = catalog->PutProfile(engine::ScoringProfileFromProto(record.put_profile()));
      if (!created.ok() && !absl::IsInvalidArgument(created.status())) return created.status();
      engine::PutOutcome put;
      put.status = created.status();
      put.created = created.value_or(false);
      outcome.puts.push_back(std::move(put));
      return outcome;
    }
    case LogRecord::kDeleteCandidate:
      outcome.status = catalog->DeleteCandidate(organisation, record.delete_candidate().id());
      break;
    case LogRecord::kDeleteOpening:
      outcome.status = catalog->DeleteOpening(organisation, record.delete_opening().id());
      break;
    default:
      outcome.status = absl::InvalidArgumentError("log entry: no write this build knows");
      return outcome;
  }
  // A delete of an absent record is a rejection; any other failure is the store's.
  if (!outcome.status.ok() && !absl::IsNotFound(outcome.status) && !absl::IsInvalidArgument(outcome.status)) {
    return outcome.status;
  }
  return outcome;
}

absl::StatusOr<std::unique_ptr<Node>> Node::Start(ReplicatedLog* log, engine::Catalog* catalog,
                                                  const NodeOptions& options) {
  if (!ValidNodeId(options.node_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cluster_node_id: \"", options.node_id, "\" does not match [A-Za-z0-9_-]{1,32}"));
  }
  PASSERELLE_ASSIGN_OR_RETURN(uint64_t applied, catalog->store().AppliedSequence());
  PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<Shard> shard, Shard::Create(options.shard, catalog->data()));
  std::unique_ptr<Node> node(new Node(log, catalog, options, applied));
  node->shard_ = std::move(shard);
  node->applier_ = std::thread([raw = node.get()] { raw->RunApplier(); });
  return node;
}

Node::Node(ReplicatedLog* log, engine::Catalog* catalog, const NodeOptions& options, uint64_t applied)
    : log_(log),
      catalog_(catalog),
      options_(options),
      dedup_prefix_(absl::StrCat(options.node_id, "-", absl::ToUnixMicros(absl::Now()), "-")),
      applied_(applied) {}

Node::~Node() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  applied_cv_.notify_all();
  if (applier_.joinable()) applier_.join();
}

absl::StatusOr<Node::Applied> Node::Write(LogRecord record) {
  record.set_time_micros(absl::ToUnixMicros(Now()));
  record.set_origin_node(options_.node_id);
  const std::string dedup_id = absl::StrCat(dedup_prefix_, next_write_.fetch_add(1));
  std::string payload;
  if (!record.SerializeToString(&payload)) return absl::InternalError("cluster: cannot encode a log entry");
  PASSERELLE_ASSIGN_OR_RETURN(uint64_t sequence, log_->Append(payload, dedup_id, options_.append_timeout));
  std::unique_lock<std::mutex> lock(mu_);
  const bool applied = applied_cv_.wait_for(lock, absl::ToChronoNanoseconds(options_.apply_timeout),
                                            [&] { return applied_ >= sequence || stop_; });
  if (!applied || applied_ < sequence) {
    return absl::UnavailableError(absl::StrCat("the write was appended to the log at sequence ", sequence,
                                               " but this node has applied only up to ", applied_,
                                               "; read it back with x-passerelle-min-sequence: ", sequence));
  }
  Applied result;
  result.sequence = sequence;
  auto it = outcomes_.find(sequence);
  if (it != outcomes_.end()) {
    result.outcome = std::move(it->second);
    outcomes_.erase(it);
  }
  return result;
}

absl::Status Node::WaitApplied(uint64_t sequence, absl::Duration wait) const {
  std::unique_lock<std::mutex> lock(mu_);
  if (applied_cv_.wait_for(lock, absl::ToChronoNanoseconds(wait), [&] { return applied_ >= sequence; })) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat("this node has applied the log up to sequence ", applied_, ", ",
                                             sequence - applied_, " behind the sequence asked for (", sequence,
                                             ") after waiting ", absl::FormatDuration(wait),
                                             "; retry, or ask another node"));
}

uint64_t Node::applied_sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

int64_t Node::rejected_entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejected_;
}

NodeHealth Node::health() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (draining_) return NodeHealth::kDraining;
  if (!caught_up_once_) return NodeHealth::kStarting;
  if (log_trimmed_) return NodeHealth::kCatchingUp;  // it never will: a snapshot is needed
  if (last_known_ > applied_ && last_known_ - applied_ > options_.max_lag_entries) return NodeHealth::kCatchingUp;
  return NodeHealth::kServing;
}

void Node::Drain() {
  std::lock_guard<std::mutex> lock(mu_);
  draining_ = true;
}

void Node::RefreshLastSequence() {
  absl::StatusOr<uint64_t> last = log_->LastSequence(options_.poll_wait);
  std::lock_guard<std::mutex> lock(mu_);
  if (!last.ok()) return;  // health keeps the last figure: an unreachable log stops no reads
  last_known_ = std::max(last_known_, *last);
  if (applied_ >= *last) caught_up_once_ = true;
}

absl::Status Node::WithApplierPaused(const std::function<absl::Status(uint64_t applied)>& fn) {
  std::lock_guard<std::mutex> pause(apply_mu_);
  return fn(applied_sequence());
}

bool Node::ApplyEntry(const LogEntry& entry) {
  std::lock_guard<std::mutex> pause(apply_mu_);
  LogRecord record;
  const bool parsed = record.ParseFromString(entry.payload);
  engine::LogEntryScope scope(entry.sequence, absl::FromUnixMicros(parsed ? record.time_micros() : 0));
  ApplyOutcome unparsed;
  unparsed.status = absl::InvalidArgumentError("log entry does not parse");
  absl::StatusOr<ApplyOutcome> outcome =
      !parsed ? absl::StatusOr<ApplyOutcome>(std::move(unparsed))
      : (options_.apply_other && !IsCatalogWrite(record)) ? options_.apply_other(record)
      : shard_ != nullptr ? ApplyShardRecord(catalog_, *shard_, record)
                          : ApplyRecord(catalog_, record);
  // Nothing written (a rejected entry): the sequence is stored on its own, so it is not applied again.
  absl::Status stored = outcome.status();
  if (stored.ok() && !scope.committed()) stored = catalog_->store().Commit(engine::WriteSet());
  if (!stored.ok()) {
    std::fprintf(stderr, "cluster: applying log entry %llu failed, retrying: %s\n",
                 static_cast<unsigned long long>(entry.sequence), std::string(stored.message()).c_str());
    std::unique_lock<std::mutex> lock(mu_);
    applied_cv_.wait_for(lock, absl::ToChronoNanoseconds(kRetryPause), [&] { return stop_; });
    return false;
  }
  absl::Status first_rejection = outcome->status;
  for (const engine::PutOutcome& put : outcome->puts) {
    if (first_rejection.ok()) first_rejection = put.status;
  }
  const bool rejected = !first_rejection.ok();
  if (rejected) {
    // The field path only: reasons may quote record ids.
    std::fprintf(stderr, "cluster: log entry %llu rejected (in whole or part) on apply: %s %s\n",
                 static_cast<unsigned long long>(entry.sequence),
                 std::string(absl::StatusCodeToString(first_rejection.code())).c_str(),
                 engine::FieldPath(first_rejection).c_str());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    applied_ = entry.sequence;
    if (rejected) ++rejected_;
    if (parsed && record.origin_node() == options_.node_id) {
      outcomes_[entry.sequence] = *std::move(outcome);
      if (outcomes_.size() > kMaxUnclaimedOutcomes) outcomes_.erase(outcomes_.begin());
    }
  }
  applied_cv_.notify_all();
  return true;
}

void Node::RunApplier() {
  std::unique_ptr<LogReader> reader;
  absl::Time last_refresh = absl::InfinitePast();
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    if (absl::Now() - last_refresh >= options_.poll_wait) {
      RefreshLastSequence();
      last_refresh = absl::Now();
    }
    if (reader == nullptr) {
      absl::StatusOr<std::unique_ptr<LogReader>> opened = log_->Read(applied_sequence());
      if (!opened.ok()) {
        // FailedPrecondition: the log dropped entries this node has not applied (docs/cluster.md, retention).
        std::fprintf(stderr, "cluster: cannot read the log: %s%s\n", std::string(opened.status().message()).c_str(),
                     absl::IsFailedPrecondition(opened.status())
                         ? "; restart this node with --cluster_snapshot_from to load a newer snapshot"
                         : "");
        std::unique_lock<std::mutex> lock(mu_);
        log_trimmed_ = absl::IsFailedPrecondition(opened.status());
        applied_cv_.wait_for(lock, absl::ToChronoNanoseconds(kRetryPause), [&] { return stop_; });
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        log_trimmed_ = false;
      }
      reader = *std::move(opened);
    }
    absl::StatusOr<std::vector<LogEntry>> entries = reader->Next(options_.read_batch_entries, options_.poll_wait);
    if (!entries.ok()) {
      if (absl::IsFailedPrecondition(entries.status())) reader.reset();  // trimmed past it: Read says so
      continue;  // Unavailable: the reader may be used again
    }
    for (const LogEntry& entry : *entries) {
      if (entry.sequence <= applied_sequence()) continue;  // delivered again: already applied
      if (!ApplyEntry(entry)) {
        reader.reset();  // read again from the last applied entry
        break;
      }
    }
  }
}

}  // namespace passerelle::cluster
