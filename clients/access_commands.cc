// `passerelle keys create|list|revoke` and `passerelle share put|delete|list`: API keys and data-sharing
// agreements (passerelle.v1.Access; an admin key is needed, see docs/security.md).
#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/command.h"
#include "clients/table.h"
#include "engine/common/status_macros.h"

namespace passerelle::clients {
namespace {

using AccessStub = v1::Access::Stub;

std::string KeyTable(const google::protobuf::RepeatedPtrField<v1::KeyInfo>& keys) {
  Table table({{"id"}, {"organisation"}, {"role"}, {"created"}, {"expires"}, {"revoked"}, {"description"}});
  for (const v1::KeyInfo& k : keys) {
    table.AddRow({k.id(), k.organisation(), k.role(), k.created_at(), k.expires_at().empty() ? "never" : k.expires_at(),
                  k.revoked_at().empty() ? "-" : k.revoked_at(), k.description()});
  }
  return table.Render();
}

absl::StatusOr<CommandOutcome> CreateKey(Session& session, const ParsedArgs& args) {
  v1::CreateKeyRequest request;
  request.set_organisation(args.Get("organisation"));
  request.set_role(args.Get("role"));
  request.set_description(args.Get("description"));
  if (request.organisation().empty()) return UsageError("--organisation is required");
  if (request.role().empty()) return UsageError("--role is required");
  PASSERELLE_ASSIGN_OR_RETURN(double days, args.GetDouble("ttl-days", 0, 0, 36500));
  request.set_ttl_seconds(static_cast<int64_t>(days * 86400));
  v1::CreateKeyResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallAccess(session, &AccessStub::CreateKey, request, response));
  if (args.Has("secret-only")) {
    session.out() << response.secret() << "\n";
  } else if (session.json()) {
    PrintJson(session, response);
  } else {
    google::protobuf::RepeatedPtrField<v1::KeyInfo> one;
    *one.Add() = response.key();
    session.out() << KeyTable(one) << "\nSecret (shown once; keep it in a file readable only by you):\n"
                  << response.secret() << "\n";
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> ListKeys(Session& session, const ParsedArgs& args) {
  v1::ListKeysRequest request;
  request.set_organisation(args.Get("organisation"));
  v1::ListKeysResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallAccess(session, &AccessStub::ListKeys, request, response));
  session.json() ? PrintJson(session, response) : void(session.out() << KeyTable(response.keys()));
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> WhoAmI(Session& session, const ParsedArgs& args) {
  v1::WhoAmIResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallAccess(session, &AccessStub::WhoAmI, v1::WhoAmIRequest(), response));
  if (session.json()) {
    PrintJson(session, response);
  } else {
    session.out() << "Organisation: " << response.organisation() << "\nRole: " << response.role()
                  << "\nKey: " << response.key_id() << "\nMay call: "
                  << absl::StrJoin(response.allowed_methods(), ", ") << "\n";
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> RevokeKey(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 1) return UsageError("expected one key ID");
  v1::RevokeKeyRequest request;
  request.set_key_id(args.positionals()[0]);
  v1::RevokeKeyResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallAccess(session, &AccessStub::RevokeKey, request, response));
  if (session.json()) {
    PrintJson(session, response);
  } else {
    session.out() << "Revoked key " << response.key().id() << " (" << response.key().organisation() << ", "
                  << response.key().role() << ") at " << response.key().revoked_at() << ".\n";
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> PutShare(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 2) return UsageError("expected OWNER READER");
  v1::PutSharingAgreementRequest request;
  request.mutable_agreement()->set_owner_organisation(args.positionals()[0]);
  request.mutable_agreement()->set_reader_organisation(args.positionals()[1]);
  v1::PutSharingAgreementResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallAccess(session, &AccessStub::PutSharingAgreement, request, response));
  if (session.json()) {
    PrintJson(session, response);
  } else {
    session.out() << args.positionals()[1] << " may read the candidates of " << args.positionals()[0]
                  << (response.created() ? " (new agreement).\n" : " (already agreed).\n");
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> DeleteShare(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 2) return UsageError("expected OWNER READER");
  v1::DeleteSharingAgreementRequest request;
  request.set_owner_organisation(args.positionals()[0]);
  request.set_reader_organisation(args.positionals()[1]);
  v1::DeleteSharingAgreementResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallAccess(session, &AccessStub::DeleteSharingAgreement, request, response));
  if (!session.json()) session.out() << "Agreement ended.\n";
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> ListShares(Session& session, const ParsedArgs& args) {
  v1::ListSharingAgreementsResponse response;
  PASSERELLE_RETURN_IF_ERROR(
      CallAccess(session, &AccessStub::ListSharingAgreements, v1::ListSharingAgreementsRequest(), response));
  if (session.json()) {
    PrintJson(session, response);
  } else {
    Table table({{"owner"}, {"reader"}, {"created"}});
    for (const v1::SharingAgreement& a : response.agreements()) {
      table.AddRow({a.owner_organisation(), a.reader_organisation(), a.created_at()});
    }
    session.out() << table.Render();
  }
  return CommandOutcome{};
}

Command Make(std::vector<std::string> path, std::string arguments, std::string summary,
             std::vector<std::string> examples,
             std::function<absl::StatusOr<CommandOutcome>(Session&, const ParsedArgs&)> run) {
  Command c;
  c.path = std::move(path);
  c.arguments = std::move(arguments);
  c.summary = std::move(summary);
  c.examples = std::move(examples);
  c.run = std::move(run);
  return c;
}

}  // namespace

void AddAccessCommands(std::vector<Command>& commands) {
  Command create = Make({"keys", "create"}, "", "Create an API key for an organisation and a role (admin).",
                       {"passerelle keys create --organisation ft-bobigny --role counsellor",
                        "passerelle keys create --organisation horizon --role employer --ttl-days 90 --secret-only"},
                       CreateKey);
  create.details =
      "Roles: counsellor (its organisation's candidates, every opening), employer (its openings; candidates\n"
      "who agreed to be shared with employers), batch (rerank and assign), reader (read only), admin (keys,\n"
      "sharing agreements, scoring profiles, status), cluster-peer (another node of a cluster: its snapshot\n"
      "only, docs/cluster.md). The secret is printed once; the server keeps only a\n"
      "salted hash. Send it as --key, in a --key-file or as $PASSERELLE_KEY.";
  create.options = {
      {"organisation", "ORG", "Organisation the key acts for: [a-z0-9][a-z0-9._-]{0,63}. Required."},
      {"role", "ROLE", "counsellor, employer, batch, reader, admin or cluster-peer. Required."},
      {"ttl-days", "DAYS", "Lifetime in days. Default: 0 (no expiry)."},
      {"description", "TEXT", "A note for admins (at most 200 bytes). Default: none."},
      {"secret-only", "", "Print only the secret (for scripts)."},
  };
  commands.push_back(std::move(create));
  Command list = Make({"keys", "list"}, "", "List API keys, revoked ones included (admin; never the secrets).",
                      {"passerelle keys list --organisation ft-bobigny"}, ListKeys);
  list.options = {{"organisation", "ORG", "Only this organisation's keys. Default: all."}};
  commands.push_back(std::move(list));
  commands.push_back(Make({"whoami"}, "", "Show the organisation and role of the key in use, and what it may call.",
                          {"passerelle whoami", "passerelle whoami --json"}, WhoAmI));
  commands.push_back(Make({"keys", "revoke"}, "ID", "Revoke an API key: it stops working at once (admin).",
                          {"passerelle keys revoke k0123456789abcdef"}, RevokeKey));
  commands.push_back(Make({"share", "put"}, "OWNER READER",
                          "Let organisation READER read the candidates of OWNER (admin).",
                          {"passerelle share put ft-bobigny asso-horizon"}, PutShare));
  commands.push_back(Make({"share", "delete"}, "OWNER READER", "End a data-sharing agreement (admin).",
                          {"passerelle share delete ft-bobigny asso-horizon"}, DeleteShare));
  commands.push_back(Make({"share", "list"}, "", "List data-sharing agreements (admin).", {"passerelle share list"},
                          ListShares));
}

}  // namespace passerelle::clients
