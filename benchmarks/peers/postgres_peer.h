// The PostgreSQL peer: scoring model v1 written as one SQL query per direction, the way a platform built
// on PostgreSQL 15 + PostGIS would write it (rows with arrays, GiST on geography, intarray for skills,
// ORDER BY ... LIMIT k), so that the benchmark can show what the engine buys over a database.
//
// The peer runs its own throwaway cluster: Start() creates a temporary directory, runs initdb and pg_ctl
// from the PostgreSQL 15 binaries, and the server listens only on a unix socket inside that directory
// (listen_addresses = ''). initdb refuses to run as root, so when the process is root every server
// command runs as the `postgres` system user (setgid/setuid in the forked child, before exec) and the
// directory is handed to that user. The destructor stops the server and deletes the directory; a
// watchdog process does the same if this process dies without running it (crash, signal).
//
// The schema, the indexes and both queries are in postgres_peer.cc and docs/benchmarks.md.
//
// Thread-safety: thread-compatible (one libpq connection).
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(auto pg, PostgresPeer::Start({}));
//   PASSERELLE_RETURN_IF_ERROR(pg->Load(data, candidates, openings, DefaultScoringProfile()));
//   PASSERELLE_ASSIGN_OR_RETURN(std::vector<PeerMatch> top, pg->MatchCandidates("open-000042", 10));
#ifndef PASSERELLE_BENCHMARKS_PEERS_POSTGRES_PEER_H_
#define PASSERELLE_BENCHMARKS_PEERS_POSTGRES_PEER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "benchmarks/peers/scalar_peer.h"
#include "engine/model/resolve.h"
#include "engine/refdata/reference_data.h"
#include "engine/scoring/profile.h"

struct pg_conn;

namespace passerelle::benchmarks {

struct PostgresPeerOptions {
  // Directory of initdb, pg_ctl and postgres. Default: the Debian package's PostgreSQL 15.
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  // System user the server runs as when this process is root (initdb refuses root). Default: postgres.
  std::string run_as = "postgres";
  // Parent of the temporary cluster directory. Default: /tmp (a unix socket path must stay short).
  std::string temp_parent = "/tmp";
  // Server memory for shared buffers, in MB. Default: 1024 (fits 1M candidates and their indexes).
  int shared_buffers_mb = 1024;
  // More postgresql.conf lines ("jit = off"), appended after the peer's own settings. Default: none.
  std::vector<std::string> extra_settings;
  // The day queries are answered (MatchQuery::today): openings past their expires_on are not matched.
  // 0 = unknown (none is). Default: 0.
  int32_t today = 0;
};

class PostgresPeer {
 public:
  // Creates, starts and connects to a throwaway cluster; on failure nothing is left behind.
  static absl::StatusOr<std::unique_ptr<PostgresPeer>> Start(const PostgresPeerOptions& options);
  ~PostgresPeer();
  PostgresPeer(const PostgresPeer&) = delete;
  PostgresPeer& operator=(const PostgresPeer&) = delete;

  // Creates the schema (PostGIS, intarray, tables), loads the reference tables, the candidates and the
  // openings with COPY, builds the indexes, runs ANALYZE and prepares both queries for `profile`.
  absl::Status Load(const engine::ReferenceData& data,
                    absl::Span<const std::shared_ptr<const engine::ResolvedCandidate>> candidates,
                    absl::Span<const std::shared_ptr<const engine::ResolvedOpening>> openings,
                    const engine::ScoringProfile& profile);

  // Best k eligible candidates for a stored opening / openings for a stored candidate: score descending,
  // id ascending. Each is one prepared SQL statement.
  absl::StatusOr<std::vector<PeerMatch>> MatchCandidates(const std::string& opening_id, int k);
  absl::StatusOr<std::vector<PeerMatch>> MatchOpenings(const std::string& candidate_id, int k);

  // One SQL statement's result as text (one line per row, tab-separated): for EXPLAIN and settings.
  absl::StatusOr<std::string> QueryText(const std::string& sql);

  // The SQL of both queries for `profile` and `today` (PostgresPeerOptions::today) ($1 = id, $2 = k), and
  // the schema, as run.
  static std::string MatchCandidatesSql(const engine::ScoringProfile& profile, int32_t today = 0);
  static std::string MatchOpeningsSql(const engine::ScoringProfile& profile, int32_t today = 0);
  static const char* SchemaSql();
  static const char* IndexSql();

  // Wall time of Load's phases, in seconds: schema and COPY of every table; index builds; VACUUM ANALYZE.
  struct LoadTimes {
    double copy_s = 0, index_s = 0, analyze_s = 0;
  };
  const LoadTimes& load_times() const { return load_times_; }

  const std::string& directory() const { return dir_; }
  const std::string& server_version() const { return server_version_; }

 private:
  PostgresPeer() = default;
  absl::Status Exec(const std::string& sql);
  absl::Status Copy(const std::string& copy_sql, const std::string& rows);
  absl::StatusOr<std::vector<PeerMatch>> RunMatch(const char* statement, const std::string& id, int k);
  // Runs a server binary (as run_as when root) and waits; its output goes to the cluster's setup log.
  absl::Status RunServerCommand(const std::vector<std::string>& args);
  void StopAndRemove();

  PostgresPeerOptions options_;
  std::string dir_;  // temporary directory: data/, the socket, logs
  bool as_other_user_ = false;
  bool server_started_ = false;
  pid_t watchdog_pid_ = -1;
  int watchdog_fd_ = -1;  // write end of the pipe the watchdog waits on
  pg_conn* conn_ = nullptr;
  std::string server_version_;
  LoadTimes load_times_;
};

}  // namespace passerelle::benchmarks

#endif  // PASSERELLE_BENCHMARKS_PEERS_POSTGRES_PEER_H_
