#include "mirror/mirror_state.h"

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "swfvault/file_system.h"

namespace swfvault {
namespace {

constexpr size_t kMaxStateBytes = 256u << 20;

Result<std::string> ReadAll(const TreeDir& root) {
  SWF_ASSIGN_OR_RETURN(Fd fd, root.OpenRead(kMirrorStateFile));
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t r = ::read(fd.get(), buf, sizeof buf);
    if (r < 0) return ErrnoStatus(errno, "read mirror state");
    if (r == 0) return text;
    text.append(buf, static_cast<size_t>(r));
    if (text.size() > kMaxStateBytes) return Corruption("mirror state file is too large");
  }
}

// A path inside the target as the mirror writes it: relative, no empty, "." or ".." part.
// The state file lives in the share, where others may write: nothing in it may lead out.
bool InsideTarget(const std::string& rel) {
  if (rel.empty() || rel.front() == '/' || rel.find('\0') != std::string::npos) return false;
  size_t start = 0;
  for (size_t end; start <= rel.size(); start = end + 1) {
    end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string_view part = std::string_view(rel).substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

void RequireInside(const std::string& rel, const char* what) {
  if (!InsideTarget(rel)) {
    throw std::invalid_argument(std::string(what) + " '" + rel + "' is not a path inside the target");
  }
}

MirrorState FromJson(const nlohmann::json& j) {
  MirrorState s;
  s.vault_id = j.value("vaultId", "");
  for (const auto& [path, f] : j.at("files").items()) {
    s.files[path] = {f.at("documentId").get<std::string>(), f.at("sha256").get<std::string>(),
                     f.at("size").get<uint64_t>(), f.at("mtimeNs").get<int64_t>(),
                     f.value("earlierSha256", std::vector<std::string>{})};
  }
  auto sightings = [](const nlohmann::json& from, std::map<std::string, DropSighting>* to) {
    for (const auto& [path, d] : from.items()) {
      (*to)[path] = {d.at("size").get<uint64_t>(), d.at("mtimeNs").get<int64_t>(), d.at("firstSeen").get<int64_t>()};
    }
  };
  sightings(j.at("drops"), &s.drops);
  // Absent in state files of earlier versions.
  sightings(j.value("editsSeen", nlohmann::json::object()), &s.edits_seen);
  const nlohmann::json dossiers = j.value("dossiers", nlohmann::json::object());
  const nlohmann::json edits = j.value("edits", nlohmann::json::object());
  for (const auto& [id, d] : dossiers.items()) {
    s.dossiers[id] = {d.at("dir").get<std::string>(), d.value("movingTo", "")};
  }
  for (const auto& [path, e] : edits.items()) {
    s.edits[path] = {e.at("originalPath").get<std::string>(), e.at("documentId").get<std::string>(),
                     e.at("samenwerkingId").get<std::string>(), e.at("filename").get<std::string>(),
                     e.at("level").get<std::string>(), e.at("omschrijving").get<std::string>(),
                     e.at("taal").get<std::string>()};
  }
  for (const auto& [path, f] : s.files) RequireInside(path, "file");
  for (const auto& [path, d] : s.drops) RequireInside(path, "drop");
  for (const auto& [path, d] : s.edits_seen) RequireInside(path, "edited file");
  for (const auto& [id, d] : s.dossiers) {
    RequireInside(d.dir, "dossier folder");
    if (!d.moving_to.empty()) RequireInside(d.moving_to, "dossier folder");
  }
  for (const auto& [path, e] : s.edits) {
    RequireInside(path, "held edit");
    RequireInside(e.original_rel_path, "edited file");
  }
  return s;
}

}  // namespace

Result<MirrorState> LoadMirrorState(const TreeDir& root) {
  Result<std::string> text = ReadAll(root);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return MirrorState{};
    return text.status();
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("version", 0) != 1) {
    return Corruption(JoinPath(root.path(), kMirrorStateFile) + " is not a mirror state file");
  }
  try {
    return FromJson(j);
  } catch (const nlohmann::json::exception& e) {
    return Corruption(JoinPath(root.path(), kMirrorStateFile) + ": " + e.what());
  } catch (const std::invalid_argument& e) {
    return Corruption(JoinPath(root.path(), kMirrorStateFile) + ": " + e.what());
  }
}

Status SaveMirrorState(const TreeDir& root, const MirrorState& state) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, f] : state.files) {
    files[path] = {{"documentId", f.document_id}, {"sha256", f.sha256}, {"size", f.size},
                   {"mtimeNs", f.mtime_ns}};
    if (!f.earlier_sha256.empty()) files[path]["earlierSha256"] = f.earlier_sha256;
  }
  auto sightings = [](const std::map<std::string, DropSighting>& from) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [path, d] : from) {
      out[path] = {{"size", d.size}, {"mtimeNs", d.mtime_ns}, {"firstSeen", d.first_seen_unix}};
    }
    return out;
  };
  nlohmann::json drops = sightings(state.drops);
  nlohmann::json dossiers = nlohmann::json::object(), edits = nlohmann::json::object();
  for (const auto& [id, d] : state.dossiers) {
    dossiers[id] = {{"dir", d.dir}};
    if (!d.moving_to.empty()) dossiers[id]["movingTo"] = d.moving_to;
  }
  for (const auto& [path, e] : state.edits) {
    edits[path] = {{"originalPath", e.original_rel_path}, {"documentId", e.document_id},
                   {"samenwerkingId", e.samenwerking_id}, {"filename", e.filename},
                   {"level", e.level}, {"omschrijving", e.omschrijving}, {"taal", e.taal}};
  }
  nlohmann::json j = {{"version", 1}, {"files", files},       {"drops", drops},
                      {"dossiers", dossiers}, {"edits", edits}};
  if (!state.vault_id.empty()) j["vaultId"] = state.vault_id;
  if (!state.edits_seen.empty()) j["editsSeen"] = sightings(state.edits_seen);
  // Names may be invalid UTF-8 only if the sanitizer let them through; it does not, but
  // replace rather than throw.
  std::string text = j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  SWF_RETURN_IF_ERROR(root.WriteAtomically(kMirrorStateFile, text, 0600));
  return root.Sync();
}

}  // namespace swfvault
