#include "engine/store/catalog.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/status_macros.h"
#include "engine/store/record_codec.h"

namespace passerelle::engine {
namespace {

constexpr char kReferenceDataVersionKey[] = "reference_data_version";
constexpr char kDefaultProfileName[] = "default";

// What differs between candidates and openings, for the templates below.
struct CandidateKind {
  using Record = Candidate;
  using Resolved = ResolvedCandidate;
  using Proto = v1::Candidate;
  static constexpr RecordKind kKind = RecordKind::kCandidate;
  static auto Resolve(const MatchIndex& index, const Record& r) { return index.ResolveCandidate(r); }
  static void Upsert(MatchIndex& index, absl::Span<const std::shared_ptr<const Resolved>> rs) {
    index.UpsertCandidates(rs);
  }
  static void Remove(MatchIndex& index, const std::string& id) { index.RemoveCandidate(id); }
  static bool Indexed(const MatchIndex& index, const std::string& id) { return index.FindCandidate(id) != nullptr; }
  static Proto Encode(const Record& r) { return CandidateToProto(r); }
  static absl::StatusOr<Record> Decode(const Proto& p) { return CandidateFromProto(p); }
  static absl::StatusOr<Proto> Get(const Store& store, const std::string& id) { return store.GetCandidate(id); }
};

struct OpeningKind {
  using Record = Opening;
  using Resolved = ResolvedOpening;
  using Proto = v1::Opening;
  static constexpr RecordKind kKind = RecordKind::kOpening;
  static auto Resolve(const MatchIndex& index, const Record& r) { return index.ResolveOpening(r); }
  static void Upsert(MatchIndex& index, absl::Span<const std::shared_ptr<const Resolved>> rs) {
    index.UpsertOpenings(rs);
  }
  static void Remove(MatchIndex& index, const std::string& id) { index.RemoveOpening(id); }
  static bool Indexed(const MatchIndex& index, const std::string& id) { return index.FindOpening(id) != nullptr; }
  static Proto Encode(const Record& r) { return OpeningToProto(r); }
  static absl::StatusOr<Record> Decode(const Proto& p) { return OpeningFromProto(p); }
  static absl::StatusOr<Proto> Get(const Store& store, const std::string& id) { return store.GetOpening(id); }
};

// The owner of the stored record `id`, or "" when none is stored.
template <class Kind>
absl::StatusOr<std::string> StoredOwner(const Store& store, const std::string& id) {
  absl::StatusOr<typename Kind::Proto> stored = Kind::Get(store, id);
  if (absl::IsNotFound(stored.status())) return std::string();
  PASSERELLE_RETURN_IF_ERROR(stored.status());
  return stored->owner_id();
}

absl::Status OwnerConflict(RecordKind kind, const std::string& id) {
  return absl::AlreadyExistsError(absl::StrCat("id: ", RecordKindName(kind), " \"", id,
                                               "\" already exists and belongs to another owner"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::Open(const std::string& dir,
                                                       std::shared_ptr<const ReferenceData> data,
                                                       const CatalogOptions& options) {
  std::unique_ptr<Catalog> catalog(new Catalog(std::move(data), options));
  PASSERELLE_ASSIGN_OR_RETURN(catalog->store_, Store::Open(dir, options.store));
  PASSERELLE_RETURN_IF_ERROR(catalog->Load());
  return catalog;
}

absl::Status Catalog::Load() {
  const absl::Time start = absl::Now();
  PASSERELLE_ASSIGN_OR_RETURN(std::optional<std::string> previous, store_->GetMetadata(kReferenceDataVersionKey));
  load_report_.previous_reference_data_version = previous.value_or("");
  PASSERELLE_RETURN_IF_ERROR(LoadProfiles());
  PASSERELLE_RETURN_IF_ERROR(LoadRecords<CandidateKind>(&load_report_.candidates_loaded));
  PASSERELLE_RETURN_IF_ERROR(LoadRecords<OpeningKind>(&load_report_.openings_loaded));
  if (previous != data().version()) {
    WriteSet writes;
    writes.PutMetadata(kReferenceDataVersionKey, data().version());
    PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
  }
  {
    absl::MutexLock lock(&state_mu_);
    for (const auto& [key, reason] : invalid_) load_report_.invalid.push_back({key.first, key.second, reason});
  }
  load_report_.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return absl::OkStatus();
}

template <class Kind>
absl::Status Catalog::LoadRecords(int64_t* loaded) {
  std::vector<std::shared_ptr<const typename Kind::Resolved>> batch;
  auto flush = [&] {
    Kind::Upsert(index_, batch);
    *loaded += static_cast<int64_t>(batch.size());
    batch.clear();
  };
  PASSERELLE_RETURN_IF_ERROR(store_->ForEach(Kind::kKind, [&](absl::string_view key, absl::string_view value) {
    auto invalid = [&](std::string reason) {
      absl::MutexLock lock(&state_mu_);
      invalid_[{Kind::kKind, std::string(key)}] = std::move(reason);
      return absl::OkStatus();
    };
    typename Kind::Proto proto;
    if (!proto.ParseFromArray(value.data(), static_cast<int>(value.size()))) return invalid("stored bytes do not parse");
    if (proto.id() != key) return invalid(absl::StrCat("id: stored under another key: \"", proto.id(), "\""));
    absl::StatusOr<typename Kind::Record> record = Kind::Decode(proto);
    if (!record.ok()) return invalid(std::string(record.status().message()));
    auto resolved = Kind::Resolve(index_, *record);
    if (!resolved.ok()) return invalid(std::string(resolved.status().message()));
    batch.push_back(*std::move(resolved));
    if (batch.size() >= options_.load_batch_records) flush();
    return absl::OkStatus();
  }));
  flush();
  return absl::OkStatus();
}

absl::Status Catalog::LoadProfiles() {
  return store_->ForEach(RecordKind::kProfile, [&](absl::string_view key, absl::string_view value) {
    v1::ScoringProfile proto;
    absl::Status status;
    if (!proto.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      status = absl::DataLossError("stored bytes do not parse");
    } else if (proto.name() != key) {
      status = absl::InvalidArgumentError(absl::StrCat("name: stored under another key: \"", proto.name(), "\""));
    }
    ScoringProfile profile = ScoringProfileFromProto(proto);
    if (status.ok()) status = ValidateScoringProfile(profile);
    absl::MutexLock lock(&state_mu_);
    if (!status.ok()) {
      invalid_[{RecordKind::kProfile, std::string(key)}] = std::string(status.message());
    } else {
      profiles_[profile.name] = std::move(profile);
      ++load_report_.profiles_loaded;
    }
    return absl::OkStatus();
  });
}

template <class Kind>
absl::StatusOr<std::vector<PutOutcome>> Catalog::PutRecords(absl::Span<const typename Kind::Record> records) {
  std::vector<PutOutcome> outcomes(records.size());
  std::vector<std::shared_ptr<const typename Kind::Resolved>> resolved(records.size());
  for (size_t i = 0; i < records.size(); ++i) {  // CPU work, outside the writers' lock
    auto r = Kind::Resolve(index_, records[i]);
    if (r.ok()) {
      resolved[i] = *std::move(r);
    } else {
      outcomes[i].status = r.status();
    }
  }

  absl::MutexLock write_lock(&write_mu_);
  WriteSet writes;
  absl::flat_hash_map<std::string, std::string> batch_owner;  // id -> owner, for records earlier in this batch
  std::vector<std::shared_ptr<const typename Kind::Resolved>> applied;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!resolved[i]) continue;
    const typename Kind::Record& record = records[i];
    std::string owner;
    if (auto it = batch_owner.find(record.id); it != batch_owner.end()) {
      owner = it->second;
    } else {
      PASSERELLE_ASSIGN_OR_RETURN(owner, StoredOwner<Kind>(*store_, record.id));
    }
    if (!owner.empty() && owner != record.owner_id) {
      outcomes[i].status = OwnerConflict(Kind::kKind, record.id);
      continue;
    }
    outcomes[i].created = owner.empty();
    batch_owner[record.id] = record.owner_id;
    writes.Put(Kind::Encode(record));
    applied.push_back(std::move(resolved[i]));
  }
  PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
  Kind::Upsert(index_, applied);
  absl::MutexLock lock(&state_mu_);
  for (const auto& record : applied) invalid_.erase({Kind::kKind, record->id()});
  return outcomes;
}

absl::StatusOr<std::vector<PutOutcome>> Catalog::PutCandidates(absl::Span<const Candidate> candidates) {
  return PutRecords<CandidateKind>(candidates);
}

absl::StatusOr<std::vector<PutOutcome>> Catalog::PutOpenings(absl::Span<const Opening> openings) {
  return PutRecords<OpeningKind>(openings);
}

absl::StatusOr<StoredRecord<v1::Candidate>> Catalog::GetCandidate(const std::string& id) const {
  PASSERELLE_ASSIGN_OR_RETURN(v1::Candidate record, store_->GetCandidate(id));
  return StoredRecord<v1::Candidate>{std::move(record), CandidateKind::Indexed(index_, id)};
}

absl::StatusOr<StoredRecord<v1::Opening>> Catalog::GetOpening(const std::string& id) const {
  PASSERELLE_ASSIGN_OR_RETURN(v1::Opening record, store_->GetOpening(id));
  return StoredRecord<v1::Opening>{std::move(record), OpeningKind::Indexed(index_, id)};
}

template <class Kind>
absl::Status Catalog::DeleteRecord(const std::string& id) {
  {
    absl::MutexLock write_lock(&write_mu_);
    PASSERELLE_ASSIGN_OR_RETURN(const bool stored, store_->Contains(Kind::kKind, id));
    if (!stored) return absl::NotFoundError(absl::StrCat("no ", RecordKindName(Kind::kKind), " \"", id, "\""));
    WriteSet writes;
    writes.Delete(Kind::kKind, id);
    PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
    Kind::Remove(index_, id);
    absl::MutexLock lock(&state_mu_);
    invalid_.erase({Kind::kKind, id});
  }
  // Outside the writers' lock: flushing and compacting may take a while and need not block other writes.
  if (!options_.erase_on_delete) return absl::OkStatus();
  const absl::Status erased = store_->Erase(Kind::kKind, {id});
  if (erased.ok()) return erased;
  return absl::Status(erased.code(), absl::StrCat("deleted, but erasing it from the data files failed (the next "
                                                  "compaction will): ", erased.message()));
}

absl::Status Catalog::DeleteCandidate(const std::string& id) { return DeleteRecord<CandidateKind>(id); }
absl::Status Catalog::DeleteOpening(const std::string& id) { return DeleteRecord<OpeningKind>(id); }

absl::StatusOr<bool> Catalog::PutProfile(const ScoringProfile& profile) {
  PASSERELLE_RETURN_IF_ERROR(ValidateId(profile.name, "name"));
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  if (profile.name == kDefaultProfileName) {
    return absl::InvalidArgumentError("name: \"default\" is built in and cannot be replaced; choose another name");
  }
  absl::MutexLock write_lock(&write_mu_);
  PASSERELLE_ASSIGN_OR_RETURN(const bool existed, store_->Contains(RecordKind::kProfile, profile.name));
  WriteSet writes;
  writes.Put(ScoringProfileToProto(profile));
  PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
  absl::MutexLock lock(&state_mu_);
  profiles_[profile.name] = profile;
  invalid_.erase({RecordKind::kProfile, profile.name});
  return !existed;
}

absl::StatusOr<ScoringProfile> Catalog::GetProfile(absl::string_view name) const {
  if (name.empty() || name == kDefaultProfileName) return DefaultScoringProfile();
  absl::MutexLock lock(&state_mu_);
  auto it = profiles_.find(std::string(name));
  if (it == profiles_.end()) return absl::NotFoundError(absl::StrCat("no scoring profile \"", name, "\""));
  return it->second;
}

std::vector<ScoringProfile> Catalog::ListProfiles() const {
  std::vector<ScoringProfile> out = {DefaultScoringProfile()};
  absl::MutexLock lock(&state_mu_);
  for (const auto& [name, profile] : profiles_) out.push_back(profile);
  return out;
}

std::vector<InvalidRecord> Catalog::InvalidRecords() const {
  std::vector<InvalidRecord> out;
  absl::MutexLock lock(&state_mu_);
  for (const auto& [key, reason] : invalid_) out.push_back({key.first, key.second, reason});
  return out;
}

int64_t Catalog::InvalidCount(RecordKind kind) const {
  absl::MutexLock lock(&state_mu_);
  int64_t count = 0;
  for (const auto& [key, reason] : invalid_) count += key.first == kind;
  return count;
}

int64_t Catalog::candidate_count() const {
  return static_cast<int64_t>(index_.candidate_count()) + InvalidCount(RecordKind::kCandidate);
}

int64_t Catalog::opening_count() const {
  return static_cast<int64_t>(index_.opening_count()) + InvalidCount(RecordKind::kOpening);
}

}  // namespace passerelle::engine
