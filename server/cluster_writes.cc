#include "server/cluster_writes.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/store/catalog_sync.h"
#include "engine/store/record_codec.h"
#include "engine/store/store.h"
#include "passerelle/cluster_log.pb.h"

namespace passerelle::server {
namespace {

// Runs `apply` under the sequence stored before the entry, so that its several synced writes do not store
// the entry's own sequence: the node stores it once they are all done (see the header).
template <class Fn>
absl::StatusOr<cluster::ApplyOutcome> UnderPreviousSequence(engine::Catalog& catalog, Fn apply) {
  const engine::LogEntryScope* entry = engine::LogEntryScope::Current();
  if (entry == nullptr) return apply();
  PASSERELLE_ASSIGN_OR_RETURN(const uint64_t previous, catalog.store().AppliedSequence());
  engine::LogEntryScope hold(previous, entry->time());
  return apply();
}

absl::StatusOr<cluster::ApplyOutcome> ApplyOffers(engine::Catalog& catalog, const cluster::LogRecord& record) {
  const cluster::FranceTravailBatch& batch = record.import_offers();
  const std::string& organisation = record.organisation();
  cluster::ApplyOutcome outcome;
  if (!engine::ValidateSourceName(batch.source(), "import_offers.source").ok() || organisation.empty()) {
    outcome.status = absl::InvalidArgumentError("import_offers: no source or organisation");
    return outcome;
  }
  if (batch.openings_size() > 0) {
    // The ids first (see engine/store/catalog_sync.h): a crash between leaves one too many, never too few.
    std::vector<std::string> ids;
    for (const v1::Opening& opening : batch.openings()) ids.push_back(opening.id());
    PASSERELLE_RETURN_IF_ERROR(engine::RecordSourceOpenings(&catalog, organisation, batch.source(), ids));
    cluster::LogRecord put;
    put.set_organisation(organisation);
    *put.mutable_put_openings()->mutable_openings() = batch.openings();
    PASSERELLE_ASSIGN_OR_RETURN(cluster::ApplyOutcome puts, cluster::ApplyRecord(&catalog, put));
    outcome.puts = std::move(puts.puts);
  }
  if (!batch.sync()) return outcome;
  // Exactly the ids the entry names, whether this node recorded them or not.
  std::vector<std::string> expire(batch.expire_ids().begin(), batch.expire_ids().end());
  std::sort(expire.begin(), expire.end());
  for (const std::string& id : expire) {
    const absl::Status deleted = catalog.DeleteOpening(organisation, id);
    if (deleted.ok()) {
      outcome.ids.push_back(id);
    } else if (!absl::IsNotFound(deleted) && !absl::IsInvalidArgument(deleted)) {
      return deleted;
    }
  }
  // Then the source's list keeps the rest of what it recorded.
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> recorded,
                              engine::SourceOpeningIds(&catalog, organisation, batch.source()));
  std::vector<std::string> kept;
  std::set_difference(recorded.begin(), recorded.end(), expire.begin(), expire.end(), std::back_inserter(kept));
  PASSERELLE_RETURN_IF_ERROR(engine::ExpireSourceOpenings(&catalog, organisation, batch.source(), kept).status());
  return outcome;
}

absl::StatusOr<cluster::ApplyOutcome> ApplyErase(engine::Catalog& catalog, AccessRegistry& registry,
                                                 const cluster::LogRecord& record) {
  const std::string& organisation = record.erase_organisation().organisation();
  cluster::ApplyOutcome outcome;
  if (organisation.empty()) {
    outcome.status = absl::InvalidArgumentError("erase_organisation.organisation: required");
    return outcome;
  }
  PASSERELLE_ASSIGN_OR_RETURN(const engine::OffboardReport report, catalog.EraseOrganisation(organisation));
  const absl::Time time = absl::FromUnixMicros(record.time_micros());
  int64_t revoked = 0, deleted = 0;
  for (const KeyRecord& key : registry.ListKeys(organisation)) {
    if (key.revoked_at != absl::InfiniteFuture()) continue;
    PASSERELLE_RETURN_IF_ERROR(registry.RevokeKeyAt(key.id, time).status());
    ++revoked;
  }
  for (const Agreement& agreement : registry.ListAgreements()) {
    if (agreement.owner_organisation != organisation && agreement.reader_organisation != organisation) continue;
    PASSERELLE_RETURN_IF_ERROR(registry.DeleteAgreement(agreement.owner_organisation, agreement.reader_organisation));
    ++deleted;
  }
  outcome.counts = {report.candidates_erased, report.openings_erased, revoked, deleted};
  return outcome;
}

// Appends `entry` as `organisation`'s and waits for this node to apply it.
absl::StatusOr<cluster::Node::Applied> Append(cluster::Node& node, absl::string_view organisation,
                                              cluster::LogRecord entry) {
  entry.set_organisation(std::string(organisation));
  return node.Write(std::move(entry));
}

}  // namespace

bool IsClusterWrite(const cluster::LogRecord& record) {
  return record.write_case() == cluster::LogRecord::kImportOffers ||
         record.write_case() == cluster::LogRecord::kEraseOrganisation;
}

absl::StatusOr<cluster::ApplyOutcome> ApplyClusterWrite(engine::Catalog& catalog, AccessRegistry& registry,
                                                        const cluster::LogRecord& record) {
  switch (record.write_case()) {
    case cluster::LogRecord::kImportOffers:
      return UnderPreviousSequence(catalog, [&] { return ApplyOffers(catalog, record); });
    case cluster::LogRecord::kEraseOrganisation:
      return UnderPreviousSequence(catalog, [&] { return ApplyErase(catalog, registry, record); });
    default: {
      cluster::ApplyOutcome outcome;
      outcome.status = absl::InvalidArgumentError("log entry: no write this build knows");
      return outcome;
    }
  }
}

absl::StatusOr<cluster::Node::Applied> AppendOfferBatch(cluster::Node& node, absl::string_view organisation,
                                                        absl::string_view source,
                                                        absl::Span<const engine::Opening> openings,
                                                        absl::Span<const engine::Day> expiries) {
  cluster::LogRecord entry;
  cluster::FranceTravailBatch* batch = entry.mutable_import_offers();
  batch->set_source(std::string(source));
  for (size_t i = 0; i < openings.size(); ++i) {
    engine::Opening opening = openings[i];
    opening.owner_id = std::string(organisation);
    opening.expires_on = i < expiries.size() ? expiries[i] : 0;
    *batch->add_openings() = engine::OpeningToProto(opening);
  }
  return Append(node, organisation, std::move(entry));
}

absl::StatusOr<std::vector<std::string>> DecideSourceSync(engine::Catalog& catalog, absl::string_view organisation,
                                                          absl::string_view source,
                                                          absl::Span<const std::string> sent) {
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> recorded,
                              engine::SourceOpeningIds(&catalog, organisation, source));
  std::vector<std::string> keep(sent.begin(), sent.end());
  std::sort(keep.begin(), keep.end());
  std::vector<std::string> expire;
  for (const std::string& id : recorded) {
    if (std::binary_search(keep.begin(), keep.end(), id)) continue;
    // Recorded but deleted meanwhile: nothing to expire.
    if (!catalog.GetOpening(organisation, id).ok()) continue;
    expire.push_back(id);
  }
  return expire;
}

absl::StatusOr<cluster::Node::Applied> AppendSourceSync(cluster::Node& node, absl::string_view organisation,
                                                        absl::string_view source,
                                                        absl::Span<const std::string> expire_ids) {
  cluster::LogRecord entry;
  cluster::FranceTravailBatch* batch = entry.mutable_import_offers();
  batch->set_source(std::string(source));
  batch->set_sync(true);
  for (const std::string& id : expire_ids) batch->add_expire_ids(id);
  return Append(node, organisation, std::move(entry));
}

absl::StatusOr<uint64_t> EraseOrganisationThroughLog(cluster::Node& node, absl::string_view caller,
                                                     absl::string_view organisation,
                                                     v1::EraseOrganisationResponse* response) {
  cluster::LogRecord entry;
  entry.mutable_erase_organisation()->set_organisation(std::string(organisation));
  PASSERELLE_ASSIGN_OR_RETURN(cluster::Node::Applied applied, Append(node, caller, std::move(entry)));
  PASSERELLE_RETURN_IF_ERROR(applied.outcome.status);
  const std::vector<int64_t>& counts = applied.outcome.counts;
  if (counts.size() == 4) {  // else applied before this node could keep the outcome (it restarted)
    response->set_candidates_erased(counts[0]);
    response->set_openings_erased(counts[1]);
    response->set_keys_revoked(counts[2]);
    response->set_agreements_deleted(counts[3]);
  }
  return applied.sequence;
}

absl::StatusOr<std::optional<std::pair<KeyRecord, std::string>>> BootstrapThroughLog(
    cluster::ReplicatedLog& log, cluster::Node& node, AccessRegistry& registry, absl::string_view node_id,
    absl::string_view organisation, absl::Duration timeout) {
  using Result = std::optional<std::pair<KeyRecord, std::string>>;
  if (!registry.ListKeys("").empty()) return Result();
  PASSERELLE_ASSIGN_OR_RETURN(const uint64_t last, log.LastSequence(timeout));
  // Every write needs a key, so a log that holds entries belongs to a cluster that has one.
  if (last > 0) return Result();
  PASSERELLE_ASSIGN_OR_RETURN(auto prepared,
                              registry.PrepareKey(organisation, Role::kAdmin, absl::ZeroDuration(),
                                                  "bootstrap admin key"));
  const KeyRecord& key = prepared.first;
  cluster::LogRecord entry;
  entry.set_organisation(std::string(organisation));
  entry.set_time_micros(absl::ToUnixMicros(absl::Now()));
  entry.set_origin_node(std::string(node_id));
  cluster::CreateKey* create = entry.mutable_create_key();
  create->set_id(key.id);
  create->set_organisation(key.organisation);
  create->set_role(std::string(RoleName(key.role)));
  create->set_description(key.description);
  create->set_salt(key.salt);
  create->set_hash(key.hash);
  // Two nodes starting together send the same dedup id: the log keeps the first, and answers the second
  // with the first's sequence.
  PASSERELLE_ASSIGN_OR_RETURN(const uint64_t sequence,
                              log.Append(entry.SerializeAsString(), kBootstrapDedupId, timeout));
  PASSERELLE_RETURN_IF_ERROR(node.WaitApplied(sequence, timeout));
  std::optional<KeyRecord> stored = registry.FindKey(key.id);
  if (!stored) return Result();  // another node's key landed
  return Result(std::make_pair(*std::move(stored), std::move(prepared.second)));
}

}  // namespace passerelle::server
