// `passerelle import francetravail FILE|-`: France Travail offers as published (a search response
// {"resultats": [...]}, a JSON array, or JSON Lines) streamed to ImportFranceTravailOffers, which maps
// them on the server (docs/francetravail.md). The CLI only parses the JSON into FranceTravailOffer
// (server/francetravail/offer_json.h); an offer it cannot read is reported here and not sent.
//
// The whole file goes in one stream: a sync must see every offer of the source at once.
#include <algorithm>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "clients/command.h"
#include "clients/json_io.h"
#include "clients/table.h"
#include "engine/common/status_macros.h"
#include "server/francetravail/offer_json.h"

namespace passerelle::clients {
namespace {

struct Rejected {
  int64_t position = 0;  // line (JSON Lines) or rank in the array, 1-based
  std::string id, field, reason;
};

std::string Summary(const std::string& path, const v1::FranceTravailImportOptions& options,
                    const v1::ImportFranceTravailOffersResponse& response, int64_t unread,
                    const std::vector<Rejected>& rejected, int64_t show_rejected) {
  std::string text = absl::StrCat("Imported ", path, " (source ", options.source().empty() ? "francetravail" : options.source(),
                                  options.sync() ? ", sync" : "", "): ", response.received_count() + unread,
                                  " offers read, ", response.added_count(), " added, ", response.changed_count(),
                                  " changed, ", response.expired_count(), " expired, ",
                                  response.rejected_count() + unread, " rejected.\n");
  if (rejected.empty()) return text;
  Table table({{"#", Align::kRight}, {"id"}, {"field"}, {"reason"}});
  for (size_t i = 0; i < rejected.size() && static_cast<int64_t>(i) < show_rejected; ++i) {
    table.AddRow({absl::StrCat(rejected[i].position), rejected[i].id, rejected[i].field, rejected[i].reason});
  }
  absl::StrAppend(&text, "\nRejected offers (# = line, or rank in the array):\n", table.Render());
  if (static_cast<int64_t>(rejected.size()) > show_rejected) {
    absl::StrAppend(&text, "... and ", rejected.size() - show_rejected, " more (--show-rejected N, or --json).\n");
  }
  return text;
}

// What of each stored offer was kept for display only or dropped on purpose.
std::string NotesTable(const v1::ImportFranceTravailOffersResponse& response, const std::vector<int64_t>& positions) {
  Table table({{"#", Align::kRight}, {"id"}, {"note"}});
  for (const v1::FranceTravailOfferReport& report : response.offers()) {
    if (report.status() != v1::OFFER_IMPORT_STATUS_STORED) continue;
    const int64_t position = report.index() < static_cast<int64_t>(positions.size()) ? positions[report.index()] : 0;
    for (const std::string& note : report.notes()) table.AddRow({absl::StrCat(position), report.offer_id(), note});
  }
  return table.empty() ? "\nNo notes on the stored offers.\n" : absl::StrCat("\nNotes on the stored offers:\n", table.Render());
}

absl::StatusOr<CommandOutcome> RunImportFranceTravail(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 1) return UsageError("expected one FILE (JSON, JSON Lines, or - for stdin)");
  const std::string path = args.positionals()[0];
  PASSERELLE_ASSIGN_OR_RETURN(int64_t per_message, args.GetInt("batch", 100, 1, 10000));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t show_rejected, args.GetInt("show-rejected", 50, 0, int64_t{1} << 40));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t lifetime, args.GetInt("lifetime-days", 0, 0, 3650));
  v1::FranceTravailImportOptions options;
  options.set_source(args.Get("source"));
  options.set_sync(args.Has("sync"));
  options.set_lifetime_days(static_cast<int32_t>(lifetime));

  PASSERELLE_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(path));
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<server::francetravail::ParsedItem> items,
                              server::francetravail::ParseOffers(text));
  std::vector<Rejected> rejected;
  std::vector<int64_t> positions;  // of each offer sent, in stream order
  v1::ImportFranceTravailOffersResponse response;
  std::unique_ptr<grpc::ClientContext> context = session.NewContext(/*with_deadline=*/false);
  auto writer = session.matching().ImportFranceTravailOffers(context.get(), &response);
  v1::ImportFranceTravailOffersRequest request;
  *request.mutable_options() = options;
  const bool progress = !args.Has("quiet") && !session.json();
  auto flush = [&] {
    const bool written = writer->Write(request);
    request.Clear();
    if (progress) session.err() << "francetravail: " << positions.size() << " of " << items.size() << " offers sent\n";
    return written;
  };
  for (server::francetravail::ParsedItem& item : items) {
    if (!item.offer.ok()) {
      rejected.push_back({item.position, "", "", std::string(item.offer.status().message())});
      continue;
    }
    *request.add_offers() = *std::move(item.offer);
    positions.push_back(item.position);
    if (request.offers_size() >= per_message && !flush()) break;  // the stream broke; Finish() says why
  }
  if (request.offers_size() > 0 || positions.empty()) flush();
  writer->WritesDone();
  const int64_t unread = static_cast<int64_t>(rejected.size());
  PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(writer->Finish()));
  for (const v1::FranceTravailOfferReport& report : response.offers()) {
    if (report.status() == v1::OFFER_IMPORT_STATUS_STORED) continue;
    const int64_t position = report.index() < static_cast<int64_t>(positions.size()) ? positions[report.index()] : 0;
    rejected.push_back({position, report.offer_id(), report.field(), report.reason()});
  }
  std::sort(rejected.begin(), rejected.end(), [](const Rejected& a, const Rejected& b) { return a.position < b.position; });

  if (session.json()) {
    session.out() << ToJson(response, {.single_line = true, .include_defaults = true}) << "\n";
  } else {
    session.out() << Summary(path, options, response, unread, rejected, show_rejected);
    if (args.Has("notes")) session.out() << NotesTable(response, positions);
  }
  return CommandOutcome{rejected.empty() ? kExitOk : kExitImportRejected};
}

}  // namespace

void AddFranceTravailImportCommand(std::vector<Command>& commands) {
  Command command;
  command.path = {"import", "francetravail"};
  command.arguments = "FILE|-";
  command.summary = "Store France Travail offers as published (Offres d'emploi v2), mapped on the server.";
  command.details =
      "FILE is a search response {\"resultats\": [...]}, a JSON array of offers, or JSON Lines (one offer\n"
      "a line), unchanged. The server maps each offer to an opening (docs/francetravail.md): stored, or\n"
      "rejected with the published field and the reason (an offer that cannot be placed or classified).\n"
      "Fields Passerelle does not interpret are kept for display. Without --sync an offer expires\n"
      "--lifetime-days after its dateActualisation; with --sync the file is the whole current offer of\n"
      "--source, and that source's openings absent from it are expired (deleted). Exit code 0 when every\n"
      "offer was stored, 3 when some were rejected, 1 when the server failed the import.\n"
      "With --json, prints the server's ImportFranceTravailOffersResponse (offers it could not read are\n"
      "not in it: see the exit code and stderr).";
  command.options = {
      {"source", "NAME", "Source of the offers, the scope of --sync (a-z 0-9 . _ -). Default: francetravail."},
      {"sync", "", "The file holds every current offer of the source: expire that source's others."},
      {"lifetime-days", "N", "Days an offer stays after dateActualisation, without --sync. Default: 60 (server)."},
      {"batch", "N", "Offers per stream message. Default: 100."},
      {"show-rejected", "N", "How many rejected offers to list (--json lists all). Default: 50."},
      {"notes", "", "Also list, per stored offer, what was kept for display only or not stored."},
      {"quiet", "", "No progress on stderr."},
  };
  command.examples = {"passerelle import francetravail data/sample/francetravail_offers.json --sync",
                      "curl -s ... /offresdemploi/v2/offres/search?codeROME=F1703 | passerelle import francetravail -"};
  command.run = RunImportFranceTravail;
  commands.push_back(std::move(command));
}

}  // namespace passerelle::clients
