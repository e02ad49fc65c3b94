#include "server/cluster_access.h"

#include "absl/strings/str_cat.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "passerelle/cluster_log.pb.h"
#include "server/matching_cluster.h"

namespace passerelle::server {
namespace {

// A rejection is the same on every node; any other failure is the store's, and the applier retries.
bool IsRejection(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsNotFound(status) || absl::IsAlreadyExists(status);
}

absl::StatusOr<cluster::ApplyOutcome> Outcome(absl::Status status) {
  if (!status.ok() && !IsRejection(status)) return status;
  cluster::ApplyOutcome outcome;
  outcome.status = std::move(status);
  return outcome;
}

absl::StatusOr<KeyRecord> KeyOfEntry(const cluster::CreateKey& entry, absl::Time time) {
  PASSERELLE_RETURN_IF_ERROR(ValidateOrganisation(entry.organisation(), "organisation"));
  std::optional<Role> role = ParseRole(entry.role());
  if (!role) return absl::InvalidArgumentError(absl::StrCat("role: ", engine::Quote(entry.role()), " is unknown"));
  if (entry.id().empty() || entry.ttl_seconds() < 0 || entry.salt().empty() || entry.hash().empty()) {
    return absl::InvalidArgumentError("create_key: incomplete key");
  }
  KeyRecord key;
  key.id = entry.id();
  key.organisation = entry.organisation();
  key.role = *role;
  key.created_at = absl::FromUnixSeconds(absl::ToUnixSeconds(time));
  if (entry.ttl_seconds() > 0) key.expires_at = key.created_at + absl::Seconds(entry.ttl_seconds());
  key.description = entry.description();
  key.salt = entry.salt();
  key.hash = entry.hash();
  return key;
}

// Appends `entry` as `caller`'s and sets x-passerelle-sequence; the outcome of applying it here.
absl::StatusOr<cluster::ApplyOutcome> Append(cluster::Node& node, grpc::ServerContextBase& context,
                                             absl::string_view caller, cluster::LogRecord entry) {
  entry.set_organisation(std::string(caller));
  PASSERELLE_ASSIGN_OR_RETURN(cluster::Node::Applied applied, node.Write(std::move(entry)));
  SetSequenceMetadata(context, applied.sequence);
  return std::move(applied.outcome);
}

}  // namespace

absl::StatusOr<cluster::ApplyOutcome> ApplyAccessRecord(AccessRegistry& registry, const cluster::LogRecord& record) {
  const absl::Time time = absl::FromUnixMicros(record.time_micros());
  switch (record.write_case()) {
    case cluster::LogRecord::kCreateKey: {
      absl::StatusOr<KeyRecord> key = KeyOfEntry(record.create_key(), time);
      if (!key.ok()) return Outcome(key.status());
      return Outcome(registry.AddKey(*key));
    }
    case cluster::LogRecord::kRevokeKey:
      return Outcome(registry.RevokeKeyAt(record.revoke_key().id(), time).status());
    case cluster::LogRecord::kPutAgreement: {
      absl::StatusOr<bool> created = registry.PutAgreementAt(record.put_agreement().owner_organisation(),
                                                             record.put_agreement().reader_organisation(), time);
      if (!created.ok()) return Outcome(created.status());
      cluster::ApplyOutcome outcome;
      outcome.puts.emplace_back().created = *created;
      return outcome;
    }
    case cluster::LogRecord::kDeleteAgreement:
      return Outcome(registry.DeleteAgreement(record.delete_agreement().owner_organisation(),
                                              record.delete_agreement().reader_organisation()));
    default:
      return Outcome(absl::InvalidArgumentError("log entry: no write this build knows"));
  }
}

absl::StatusOr<std::pair<KeyRecord, std::string>> CreateKeyThroughLog(cluster::Node& node, AccessRegistry& registry,
                                                                      grpc::ServerContextBase& context,
                                                                      absl::string_view caller,
                                                                      absl::string_view organisation, Role role,
                                                                      absl::Duration ttl,
                                                                      absl::string_view description) {
  PASSERELLE_ASSIGN_OR_RETURN(auto prepared, registry.PrepareKey(organisation, role, ttl, description));
  const KeyRecord& key = prepared.first;
  cluster::LogRecord entry;
  cluster::CreateKey* create = entry.mutable_create_key();
  create->set_id(key.id);
  create->set_organisation(key.organisation);
  create->set_role(std::string(RoleName(key.role)));
  create->set_ttl_seconds(absl::ToInt64Seconds(ttl));
  create->set_description(key.description);
  create->set_salt(key.salt);
  create->set_hash(key.hash);
  PASSERELLE_ASSIGN_OR_RETURN(cluster::ApplyOutcome outcome, Append(node, context, caller, std::move(entry)));
  PASSERELLE_RETURN_IF_ERROR(outcome.status);
  // As applied (created at the entry's time), with the secret only this node ever had.
  std::optional<KeyRecord> stored = registry.FindKey(key.id);
  if (!stored) return absl::InternalError("the key was applied but is not in the registry");
  return std::make_pair(*std::move(stored), std::move(prepared.second));
}

absl::StatusOr<KeyRecord> RevokeKeyThroughLog(cluster::Node& node, AccessRegistry& registry,
                                              grpc::ServerContextBase& context, absl::string_view caller,
                                              absl::string_view key_id) {
  std::optional<KeyRecord> key = registry.FindKey(key_id);
  if (!key) return absl::NotFoundError(absl::StrCat("key_id: no key ", engine::Quote(key_id)));
  if (key->revoked_at != absl::InfiniteFuture()) return *key;  // the first date stays: nothing to append
  cluster::LogRecord entry;
  entry.mutable_revoke_key()->set_id(std::string(key_id));
  PASSERELLE_ASSIGN_OR_RETURN(cluster::ApplyOutcome outcome, Append(node, context, caller, std::move(entry)));
  PASSERELLE_RETURN_IF_ERROR(outcome.status);
  key = registry.FindKey(key_id);
  if (!key) return absl::NotFoundError(absl::StrCat("key_id: no key ", engine::Quote(key_id)));
  return *key;
}

absl::StatusOr<bool> PutAgreementThroughLog(cluster::Node& node, AccessRegistry& registry,
                                            grpc::ServerContextBase& context, absl::string_view caller,
                                            absl::string_view owner, absl::string_view reader) {
  PASSERELLE_RETURN_IF_ERROR(AccessRegistry::ValidateAgreement(owner, reader));
  if (registry.Shares(owner, reader)) return false;
  cluster::LogRecord entry;
  entry.mutable_put_agreement()->set_owner_organisation(std::string(owner));
  entry.mutable_put_agreement()->set_reader_organisation(std::string(reader));
  PASSERELLE_ASSIGN_OR_RETURN(cluster::ApplyOutcome outcome, Append(node, context, caller, std::move(entry)));
  PASSERELLE_RETURN_IF_ERROR(outcome.status);
  // No outcome kept (this node restarted in between): it was new when this node looked.
  return outcome.puts.empty() || outcome.puts[0].created;
}

absl::Status DeleteAgreementThroughLog(cluster::Node& node, AccessRegistry& registry,
                                       grpc::ServerContextBase& context, absl::string_view caller,
                                       absl::string_view owner, absl::string_view reader) {
  if (!registry.Shares(owner, reader)) {
    return absl::NotFoundError(absl::StrCat("no agreement sharing ", engine::Quote(owner), "'s candidates with ",
                                            engine::Quote(reader)));
  }
  cluster::LogRecord entry;
  entry.mutable_delete_agreement()->set_owner_organisation(std::string(owner));
  entry.mutable_delete_agreement()->set_reader_organisation(std::string(reader));
  PASSERELLE_ASSIGN_OR_RETURN(cluster::ApplyOutcome outcome, Append(node, context, caller, std::move(entry)));
  return outcome.status;
}

}  // namespace passerelle::server
