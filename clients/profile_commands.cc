// `passerelle profiles put|get|list`: named scoring profiles (weights and switches, docs/scoring.md).
#include <ostream>

#include "absl/strings/str_cat.h"
#include "clients/command.h"
#include "clients/json_io.h"
#include "clients/table.h"
#include "engine/common/status_macros.h"

namespace passerelle::clients {
namespace {

using Stub = v1::Matching::Stub;

std::string Weight(float w) { return absl::StrCat(w); }

std::string ProfileTable(const google::protobuf::RepeatedPtrField<v1::ScoringProfile>& profiles) {
  Table table({{"name"},
               {"occupation", Align::kRight},
               {"skills", Align::kRight},
               {"french", Align::kRight},
               {"mobility", Align::kRight},
               {"housing", Align::kRight},
               {"tension", Align::kRight},
               {"timing", Align::kRight},
               {"experience", Align::kRight},
               {"strict skills"}});
  for (const v1::ScoringProfile& p : profiles) {
    const v1::CriterionWeights& w = p.weights();
    table.AddRow({p.name(), Weight(w.occupation()), Weight(w.skills()), Weight(w.french()), Weight(w.mobility()),
                  Weight(w.housing()), Weight(w.tension()), Weight(w.timing()), Weight(w.experience()),
                  p.strict_required_skills() ? "yes" : "no"});
  }
  return table.Render();
}

absl::StatusOr<CommandOutcome> PutProfile(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 1) return UsageError("expected one FILE (or - for stdin)");
  const std::string& path = args.positionals()[0];
  PASSERELLE_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(path));
  v1::PutScoringProfileRequest request;
  absl::Status parsed = ParseJson(text, *request.mutable_profile());
  if (!parsed.ok()) return UsageError(absl::StrCat(path, ": ", parsed.message()));
  v1::PutScoringProfileResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::PutScoringProfile, request, response));
  if (session.json()) {
    PrintJson(session, response);
  } else {
    session.out() << "Stored scoring profile " << request.profile().name()
                  << (response.created() ? " (new)." : " (replaced).") << "\n";
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> GetProfile(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 1) return UsageError("expected one NAME");
  v1::GetScoringProfileRequest request;
  request.set_name(args.positionals()[0]);
  v1::GetScoringProfileResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::GetScoringProfile, request, response));
  if (session.json()) {
    PrintJson(session, response);
  } else {
    google::protobuf::RepeatedPtrField<v1::ScoringProfile> one;
    *one.Add() = response.profile();
    session.out() << ProfileTable(one);
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> ListProfiles(Session& session, const ParsedArgs& args) {
  v1::ListScoringProfilesResponse response;
  PASSERELLE_RETURN_IF_ERROR(
      CallMatching(session, &Stub::ListScoringProfiles, v1::ListScoringProfilesRequest(), response));
  session.json() ? PrintJson(session, response) : void(session.out() << ProfileTable(response.profiles()));
  return CommandOutcome{};
}

}  // namespace

void AddProfileCommands(std::vector<Command>& commands) {
  Command put;
  put.path = {"profiles", "put"};
  put.arguments = "FILE|-";
  put.summary = "Store a named scoring profile (JSON object).";
  put.details =
      "FILE holds a ScoringProfile in the proto3 JSON mapping: {\"name\": ..., \"weights\": {\"occupation\": 3,\n"
      "\"skills\": 2, ...}, \"strict_required_skills\": false}. Only the ratios of the weights matter; the\n"
      "name \"default\" is reserved. Requests pick a profile with --profile NAME.";
  put.examples = {
      "passerelle profiles put hope-poec.json",
      "echo '{\"name\": \"french-first\", \"weights\": {\"occupation\": 2, \"french\": 4, \"mobility\": 2}}' "
      "| passerelle profiles put -"};
  put.run = PutProfile;
  commands.push_back(std::move(put));

  Command get;
  get.path = {"profiles", "get"};
  get.arguments = "NAME";
  get.summary = "Show one scoring profile (\"default\" included).";
  get.examples = {"passerelle profiles get default --json"};
  get.run = GetProfile;
  commands.push_back(std::move(get));

  Command list;
  list.path = {"profiles", "list"};
  list.summary = "List every scoring profile, \"default\" first.";
  list.examples = {"passerelle profiles list"};
  list.run = ListProfiles;
  commands.push_back(std::move(list));
}

}  // namespace passerelle::clients
