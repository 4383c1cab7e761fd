#include "cli/command_line.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace swfvault {
namespace {

// The root first, then each command down to the one the line names.
using CommandPath = std::vector<const CLI::App*>;

std::vector<const CLI::App*> NamedSubcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

// Every path from the root to a command, parents before their children.
void CollectPaths(const CommandPath& prefix, std::vector<CommandPath>* paths) {
  for (const CLI::App* sub : NamedSubcommands(*prefix.back())) {
    CommandPath path = prefix;
    path.push_back(sub);
    paths->push_back(path);
    CollectPaths(path, paths);
  }
}

// "--name=value" -> "--name", "-ofile" -> "-o": the name CLI11 looks the option up by, and
// whether the token carries the option's value itself.
struct OptionToken {
  std::string name;
  bool has_value = false;
};

std::optional<OptionToken> AsOption(const std::string& token) {
  if (token.size() < 2 || token[0] != '-' || token == "--") return std::nullopt;
  if (token[1] == '-') {
    size_t eq = token.find('=');
    if (eq == std::string::npos) return OptionToken{token, false};
    return OptionToken{token.substr(0, eq), true};
  }
  return OptionToken{token.substr(0, 2), token.size() > 2};
}

// The option `name` of the deepest command on `path` that has one (CLI11 falls through from a
// subcommand to its parents in the same order), or null.
const CLI::Option* CommandOption(const CommandPath& path, const std::string& name) {
  for (size_t i = path.size(); i-- > 1;) {
    if (const CLI::Option* option = path[i]->get_option_no_throw(name)) return option;
  }
  return nullptr;
}

// The option `name` of a command below `app` (to read a line that names its group only).
const CLI::Option* OptionBelow(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : NamedSubcommands(app)) {
    if (const CLI::Option* option = sub->get_option_no_throw(name)) return option;
    if (const CLI::Option* option = OptionBelow(*sub, name)) return option;
  }
  return nullptr;
}

// The option `name` as a command on `path` (or below it) would read it; `global` tells whether
// it is the root's own.
const CLI::Option* PathOption(const CommandPath& path, const std::string& name, bool* global) {
  const CLI::Option* option = path[0]->get_option_no_throw(name);
  *global = option != nullptr;
  if (option == nullptr) option = CommandOption(path, name);
  if (option == nullptr) option = OptionBelow(*path.back(), name);
  return option;
}

// How many tokens an option spans: itself and the values CLI11 takes for it at the least (as
// in App::_parse_arg). An unknown option counts as a flag.
size_t Span(const CLI::Option* option, const OptionToken& token) {
  if (option == nullptr || token.has_value || option->get_items_expected_max() == 0) return 1;
  int values = std::min(option->get_type_size_min(), option->get_items_expected_min());
  return 1 + static_cast<size_t>(std::max(values, 0));
}

// How `args` reads with `path` as its command: where the path's last word ends, and the tokens
// before that which belong to the command rather than to the root.
struct Reading {
  bool fits = false;
  size_t end = 0;
  std::vector<size_t> moved;
};

Reading Read(const CommandPath& path, const std::vector<std::string>& args) {
  Reading reading;
  size_t next = 1;  // path[0] is the root, named by no word
  size_t i = 0;
  while (next < path.size()) {
    if (i >= args.size() || args[i] == "--") return {};
    if (path[next]->check_name(args[i])) {
      ++next;
      ++i;
      continue;
    }
    std::optional<OptionToken> token = AsOption(args[i]);
    if (!token) return {};  // a word that is neither the command nor an option's value
    bool global = false;
    size_t span = Span(PathOption(path, token->name, &global), *token);
    if (i + span > args.size()) return {};
    for (size_t k = i; k < i + span && !global; ++k) reading.moved.push_back(k);
    i += span;
  }
  reading.fits = true;
  reading.end = i;
  return reading;
}

// The deepest command path `args` fits (the root alone, which every line fits, at the least);
// the first in definition order among equally deep ones.
std::pair<CommandPath, Reading> ReadDeepest(const CLI::App& app,
                                            const std::vector<std::string>& args) {
  std::vector<CommandPath> paths;
  CollectPaths({&app}, &paths);
  std::pair<CommandPath, Reading> best = {{&app}, Read({&app}, args)};
  for (const CommandPath& path : paths) {
    Reading reading = Read(path, args);
    if (reading.fits && path.size() > best.first.size()) best = {path, std::move(reading)};
  }
  return best;
}

}  // namespace

std::vector<std::string> MoveCommandOptionsAfterCommand(const CLI::App& app,
                                                        std::vector<std::string> args) {
  Reading best = ReadDeepest(app, args).second;
  if (best.moved.empty()) return args;

  auto end = args.begin() + static_cast<std::ptrdiff_t>(best.end);
  auto dashes = std::find(end, args.end(), std::string("--"));
  std::vector<std::string> result;
  std::vector<std::string> moved;
  for (size_t i = 0; i < best.end; ++i) {
    bool moves = std::binary_search(best.moved.begin(), best.moved.end(), i);
    (moves ? moved : result).push_back(args[i]);
  }
  result.insert(result.end(), end, dashes);
  result.insert(result.end(), moved.begin(), moved.end());
  result.insert(result.end(), dashes, args.end());
  return result;
}

std::optional<UnknownCommand> FindUnknownCommand(const CLI::App& app,
                                                 const std::vector<std::string>& args) {
  auto [path, reading] = ReadDeepest(app, args);
  const CLI::App& group = *path.back();
  std::vector<const CLI::App*> commands = NamedSubcommands(group);
  if (group.get_require_subcommand_min() == 0 || commands.empty()) return std::nullopt;
  for (size_t i = reading.end; i < args.size() && args[i] != "--";) {
    if (std::optional<OptionToken> token = AsOption(args[i])) {
      bool global = false;
      i += Span(PathOption(path, token->name, &global), *token);
      continue;
    }
    UnknownCommand unknown{args[i], "", {}};
    for (const CLI::App* command : commands) {
      if (command->check_name(args[i])) return std::nullopt;
      unknown.commands.push_back(command->get_name());
    }
    for (const CLI::App* step : path) {
      unknown.group += (unknown.group.empty() ? "" : " ") + step->get_name();
    }
    return unknown;
  }
  return std::nullopt;
}

}  // namespace swfvault
