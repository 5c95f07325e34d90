#include "commands.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <stitch/sqlite.hpp>
#ifdef CLASSIFIER_POSTGRES
#include <stitch/postgres.hpp>
#endif

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <unordered_map>

#include "csv_reader.hpp"
#include "models.hpp"
#include "progress.hpp"
#include "rules.hpp"
#include "targets.hpp"

namespace classifier {
namespace {

using json = nlohmann::ordered_json;
using stitch::col;

constexpr std::string_view program = "stitch-classifier";
constexpr std::string_view by_hand = "by hand";

timestamp now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string text_of(const std::optional<timestamp>& t) {
  if (!t) return "never";
  return fmt::format("{:%Y-%m-%d %H:%M:%S}",
                     std::chrono::time_point_cast<std::chrono::seconds>(*t));
}

bool is_postgres_uri(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

stitch::database open_database(const std::string& locator) {
  if (is_postgres_uri(locator)) {
#ifdef CLASSIFIER_POSTGRES
    return stitch::postgres::connect(locator);
#else
    throw user_error("--db " + locator + ": this build has no PostgreSQL support");
#endif
  }
  return stitch::sqlite::open(locator);
}

// What every command gets: the database, where to write, and how to read sources.
struct session {
  stitch::database db;
  std::ostream& out;
  std::ostream& err;
  bool terminal;
  bool json;
  socrata::client_options socrata;

  read_context reading(progress_bar& bar) const { return {bar.callback(), socrata}; }
  progress_bar bar(const std::string& label) const { return {err, terminal, label}; }
};

using source_ptr = std::unique_ptr<DataSource>;

source_ptr find_source(stitch::database& db, const std::string& ref) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  source_ptr found;
  if (ec == std::errc() && end == ref.data() + ref.size())
    found = db.all<DataSource>().where(col<&DataSource::id> == id).first();
  // A name may be a number too.
  if (!found) found = db.all<DataSource>().where(col<&DataSource::name> == ref).first();
  if (!found) throw user_error("no source '" + ref + "' (list shows the sources)");
  return found;
}

std::string describe(const DataSource& s) {
  return fmt::format("source {} '{}' ({})", s.id, s.name, s.type_name());
}

std::vector<Field> fields_of(stitch::database& db, const DataSource& s) {
  return db.all<Field>()
      .where(col<&Field::data_source_id> == s.id)
      .order_by(col<&Field::position>)
      .to_vector();
}

std::string names_of(const std::vector<Field>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

Field& field_named(std::vector<Field>& fields, const DataSource& s, const std::string& name) {
  const auto at = std::ranges::find(fields, name, &Field::name);
  if (at == fields.end()) {
    if (fields.empty()) throw user_error(describe(s) + " has no fields yet: profile it first");
    throw user_error(describe(s) + " has no field '" + name + "' (its fields: " + names_of(fields) +
                     ")");
  }
  return *at;
}

std::size_t mapped_count(const DataSource& s) {
  return static_cast<std::size_t>(
      std::ranges::count_if(s.fields, [](const Field& f) { return f.maps_to.has_value(); }));
}

// What list and report say about every source.
json source_json(const DataSource& s) {
  return {{"id", s.id},
          {"type", s.type_name()},
          {"name", s.name},
          {"location", s.location()},
          {"rows", s.row_count ? json(*s.row_count) : json()},
          {"fields", s.fields.size()}};
}

bool categorical(const Field& f) {
  const auto* t = f.maps_to ? find_target(*f.maps_to) : nullptr;
  return t != nullptr && t->categorical;
}

// A value shortened for a table cell.
std::string cell(std::string_view text, std::size_t width) {
  std::string out;
  for (char c : text) out += c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
  if (out.size() <= width) return out;
  std::size_t cut = width - 3;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return out.substr(0, cut) + "...";
}

// ----------------------------------------------------------------------------- add

struct add_csv_args {
  std::string path;
  std::string name;
  std::string delimiter = ",";
  std::string description;
  bool skip_ragged = false;
};

void add_csv(session& s, const add_csv_args& a) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(a.path, ec);
  if (!std::filesystem::is_regular_file(absolute, ec))
    throw user_error(a.path + (std::filesystem::exists(absolute, ec) ? ": not a regular file"
                                                                     : ": no such file"));
  if (std::ifstream in(absolute); !in) {
    const int err = errno;
    throw user_error(a.path + ": cannot open the file: " + std::strerror(err));
  }
  if (a.delimiter.size() != 1)
    throw user_error("--delimiter '" + a.delimiter + "': a delimiter is one character");
  CsvFile csv;
  csv.name = a.name.empty() ? absolute.stem().string() : a.name;
  csv.path = absolute.string();
  csv.delimiter = a.delimiter;
  csv.skip_ragged = a.skip_ragged;
  if (!a.description.empty()) csv.description = a.description;
  if (s.db.all<DataSource>().where(col<&DataSource::name> == csv.name).exists())
    throw user_error("a source named '" + csv.name + "' exists already (choose one with --name)");
  s.db.save(csv);
  fmt::print(s.out, "added {}: {}\n", describe(csv), csv.path);
}

struct add_socrata_args {
  std::string domain;
  std::string dataset_id;
  std::string name;
  std::string app_token;
};

void add_socrata(session& s, const add_socrata_args& a) {
  Socrata ds;
  ds.domain = a.domain;
  ds.dataset_id = a.dataset_id;
  if (!a.app_token.empty()) ds.app_token = a.app_token;
  // The dataset must exist: its metadata gives the name and proves the id.
  auto bar = s.bar("reading metadata");
  const auto meta = ds.client(s.reading(bar)).metadata(ds.dataset_id);
  bar.finish();
  ds.name = a.name.empty() ? meta.name : a.name;
  if (!meta.description.empty()) ds.description = meta.description;
  if (s.db.all<DataSource>().where(col<&DataSource::name> == ds.name).exists())
    throw user_error("a source named '" + ds.name + "' exists already (choose one with --name)");
  s.db.save(ds);
  fmt::print(s.out, "added {}: {} ({} columns)\n", describe(ds), ds.location(),
             meta.columns.size());
}

// ----------------------------------------------------------------------------- list

void list(session& s) {
  auto sources = s.db.all<DataSource>()
                     .order_by(col<&DataSource::id>)
                     .includes(&DataSource::fields)
                     .to_vector();
  // Counted, not loaded: a source may have many values.
  const auto values_of = [&](const DataSource& src) {
    return s.db.query_value<std::int64_t>(
        R"(SELECT count(*) FROM "unique_values" INNER JOIN "fields" ON "fields"."id" = )"
        R"("unique_values"."field_id" WHERE "fields"."data_source_id" = ?)",
        src.id);
  };
  if (s.json) {
    json out = json::array();
    for (const auto& src : sources) {
      auto entry = source_json(*src);
      entry["mapped"] = mapped_count(*src);
      entry["values"] = values_of(*src);
      out.push_back(std::move(entry));
    }
    s.out << out.dump(2) << '\n';
    return;
  }
  if (sources.empty()) {
    fmt::print(s.out, "no sources yet: add one with add-csv or add-socrata\n");
    return;
  }
  fmt::print(s.out, "{:>3}  {:<8} {:<28} {:>9} {:>6} {:>6} {:>7}  {}\n", "id", "type", "name",
             "rows", "fields", "mapped", "values", "location");
  for (const auto& src : sources) {
    fmt::print(s.out, "{:>3}  {:<8} {:<28} {:>9} {:>6} {:>6} {:>7}  {}\n", src->id,
               src->type_name(), cell(src->name, 28),
               src->row_count ? std::to_string(*src->row_count) : "-", src->fields.size(),
               mapped_count(*src), values_of(*src), src->location());
  }
}

// ----------------------------------------------------------------------------- profile

void profile(session& s, const std::string& ref) {
  auto src = find_source(s.db, ref);
  table_profile p;
  {
    auto bar = s.bar("profiling " + src->name);
    p = src->profile(s.reading(bar));
  }
  if (p.rows == 0) {
    if (const auto* csv = dynamic_cast<const CsvFile*>(src.get()))
      throw user_error(csv->path + (p.skipped > 0
                                        ? ": every data row is ragged (" +
                                              std::to_string(p.skipped) + " rows left out)"
                                        : ":1: the file has a header and no data rows"));
    throw user_error(src->location() + ": the dataset has no rows");
  }
  // The fields are brought up to date in one transaction: a field that is still there keeps
  // its mapping, values and comments; one that is gone is removed with them.
  auto fields = fields_of(s.db, *src);
  {
    auto tx = s.db.transaction(stitch::intent::write);
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < p.columns.size(); ++i) {
      const auto& c = p.columns[i];
      seen.insert(c.name);
      auto at = std::ranges::find(fields, c.name, &Field::name);
      Field fresh;
      Field& f = at != fields.end() ? *at : fresh;
      f.data_source_id = src->id;
      f.name = c.name;
      f.position = static_cast<std::int64_t>(i + 1);
      f.detected_type = std::string(to_string(c.type));
      f.present = static_cast<std::int64_t>(c.present);
      f.distinct_count = static_cast<std::int64_t>(c.distinct);
      f.distinct_estimated = c.distinct_estimated;
      f.examples = fmt::format("{}", fmt::join(c.examples, "\n"));
      s.db.save(f);
    }
    for (auto& f : fields) {
      if (seen.contains(f.name)) continue;
      (void)s.db.destroy(f);
      fmt::print(s.err,
                 "{}: column '{}' is gone: its field{} removed with its values and comments\n",
                 program, f.name, f.maps_to ? " (mapped to " + *f.maps_to + ")" : std::string());
    }
    src->row_count = static_cast<std::int64_t>(p.rows);
    src->profiled_at = now();
    s.db.save(*src);
    tx.commit();
  }
  if (s.json) {
    json columns = json::array();
    for (const auto& c : p.columns)
      columns.push_back({{"name", c.name},
                         {"type", to_string(c.type)},
                         {"present", c.counts_known ? json(c.present) : json()},
                         {"distinct", c.counts_known ? json(c.distinct) : json()},
                         {"distinct_estimated", c.distinct_estimated},
                         {"examples", c.examples}});
    json out = {{"source", {{"id", src->id}, {"type", src->type_name()}, {"name", src->name}}},
                {"rows", p.rows},
                {"skipped_rows", p.skipped},
                {"columns", std::move(columns)}};
    s.out << out.dump(2) << '\n';
    return;
  }
  fmt::print(s.out, "{}: {} rows, {} columns", describe(*src), p.rows, p.columns.size());
  if (p.skipped > 0) fmt::print(s.out, " ({} ragged rows left out)", p.skipped);
  fmt::print(s.out, "\n");
  fmt::print(s.out, "  {:<28} {:<9} {:>9} {:>9}  {}\n", "column", "type", "present", "distinct",
             "examples");
  for (const auto& c : p.columns) {
    std::string examples;
    for (const auto& e : c.examples) examples += (examples.empty() ? "" : " | ") + cell(e, 24);
    fmt::print(s.out, "  {:<28} {:<9} {:>9} {:>9}  {}\n", cell(c.name, 28), to_string(c.type),
               c.counts_known ? std::to_string(c.present) : "?",
               !c.counts_known        ? std::string("?")
               : c.distinct_estimated ? "~" + std::to_string(c.distinct)
                                      : std::to_string(c.distinct),
               cell(examples, 60));
  }
}

// ----------------------------------------------------------------------------- map

void map(session& s, const std::string& ref, const std::vector<std::string>& mappings) {
  auto src = find_source(s.db, ref);
  auto fields = fields_of(s.db, *src);
  // Every mapping is checked before any is written.
  std::vector<std::pair<Field*, std::optional<std::string>>> changes;
  for (const auto& m : mappings) {
    const auto eq = m.find('=');
    if (eq == std::string::npos)
      throw user_error("'" + m + "': a mapping is FIELD=TARGET (or FIELD= to unmap)");
    const std::string field = m.substr(0, eq);
    const std::string target = m.substr(eq + 1);
    Field& f = field_named(fields, *src, field);
    if (!target.empty() && find_target(target) == nullptr)
      throw user_error("'" + target + "' is not a target of the common schema (" +
                       target_names(false) + ")");
    changes.emplace_back(&f, target.empty() ? std::nullopt : std::optional(target));
  }
  // A field that changes target loses its values' classes: they were of the old vocabulary.
  std::vector<const Field*> retargeted;
  for (auto& [f, target] : changes) {
    if (f->maps_to && f->maps_to != target) retargeted.push_back(f);
    f->maps_to = target;
  }
  // One field per target in a source.
  std::map<std::string, std::string> taken;
  for (const auto& f : fields) {
    if (!f.maps_to) continue;
    const auto [at, fresh] = taken.emplace(*f.maps_to, f.name);
    if (!fresh)
      throw user_error("fields '" + at->second + "' and '" + f.name + "' of " + describe(*src) +
                       " would both map to " + *f.maps_to + " (unmap one with " + at->second +
                       "=)");
  }
  auto tx = s.db.transaction(stitch::intent::write);
  for (auto& [f, target] : changes) s.db.save(*f);
  std::size_t cleared = 0;
  for (const auto* f : retargeted) {
    for (auto& v : s.db.all<UniqueValue>()
                       .where(col<&UniqueValue::field_id> == f->id &&
                              col<&UniqueValue::category_id>.is_not_null())
                       .to_vector()) {
      v.category_id.reset();
      v.classified_by.reset();
      s.db.save(v);
      ++cleared;
    }
  }
  tx.commit();
  if (cleared > 0)
    fmt::print(s.out, "{} values lost the classes of their field's former target\n", cleared);
  for (const auto& [f, target] : changes)
    fmt::print(s.out, "{}: {} -> {}\n", src->name, f->name, target.value_or("(unmapped)"));
}

// ----------------------------------------------------------------------------- extract

void extract(session& s, const std::string& ref, const std::vector<std::string>& only) {
  auto src = find_source(s.db, ref);
  auto fields = fields_of(s.db, *src);
  std::vector<Field*> chosen;
  if (only.empty()) {
    for (auto& f : fields)
      if (categorical(f)) chosen.push_back(&f);
    if (chosen.empty())
      throw user_error(describe(*src) + " has no field mapped to a categorical target (" +
                       target_names(true) + "); map one first");
  } else {
    for (const auto& name : only) {
      Field& f = field_named(fields, *src, name);
      // Values are counted in memory: only where there are few of them.
      if (!categorical(f))
        throw user_error("field '" + f.name + "' of " + describe(*src) +
                         " is not mapped to a categorical target (" + target_names(true) +
                         "): its values are not extracted");
      chosen.push_back(&f);
    }
  }
  std::vector<std::string> names;
  for (const auto* f : chosen) names.push_back(f->name);
  std::vector<std::vector<value_count>> counts;
  {
    auto bar = s.bar("counting values of " + src->name);
    counts = src->unique_values_of(names, s.reading(bar));
  }
  // Nothing read is no reason to forget what was: a file truncated while it was being copied
  // would otherwise erase every class given so far.
  if (std::ranges::all_of(counts, [](const auto& values) { return values.empty(); }))
    throw user_error(
        src->location() + ": no values in " + (names.size() == 1 ? "field " : "fields ") +
        fmt::format("{}", fmt::join(names, ", ")) + "; the values of the last extraction are kept");
  // Written in one transaction: a value seen before keeps its id, class and comments and
  // takes the new count; a value no longer there is removed.
  auto tx = s.db.transaction(stitch::intent::write);
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    auto existing =
        s.db.all<UniqueValue>().where(col<&UniqueValue::field_id> == chosen[i]->id).to_vector();
    std::unordered_map<std::string_view, UniqueValue*> by_value;
    for (auto& v : existing) by_value.emplace(v.value, &v);
    std::vector<UniqueValue> added;
    for (const auto& c : counts[i]) {
      const auto count = static_cast<std::int64_t>(c.count);
      if (const auto at = by_value.find(c.value); at != by_value.end()) {
        UniqueValue& v = *at->second;
        by_value.erase(at);
        if (v.count != count) {
          v.count = count;
          s.db.save(v);
        }
        continue;
      }
      UniqueValue& v = added.emplace_back();
      v.field_id = chosen[i]->id;
      v.value = c.value;
      v.count = count;
    }
    for (auto& [value, gone] : by_value) (void)s.db.destroy(*gone);
    s.db.save_all(added);
  }
  src->extracted_at = now();
  s.db.save(*src);
  tx.commit();
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    std::size_t rows = 0;
    for (const auto& c : counts[i]) rows += c.count;
    fmt::print(s.out, "{}: {} values in {} rows", chosen[i]->name, counts[i].size(), rows);
    if (!counts[i].empty())
      fmt::print(s.out, ", most frequent '{}' ({})", counts[i].front().value,
                 counts[i].front().count);
    fmt::print(s.out, "\n");
  }
}

// ----------------------------------------------------------------------------- classify

// The categories of the vocabulary, found or added as classification needs them.
class vocabulary {
 public:
  explicit vocabulary(stitch::database& db) : db_(db) {
    for (auto& c : db.all<Category>().to_vector()) by_key_.emplace(key(c.target, c.name), c.id);
  }
  std::int64_t id_of(const std::string& target, const std::string& name) {
    auto [at, fresh] = by_key_.emplace(key(target, name), 0);
    if (fresh) {
      Category c;
      c.target = target;
      c.name = name;
      db_.save(c);
      at->second = c.id;
    }
    return at->second;
  }

 private:
  static std::string key(const std::string& target, const std::string& name) {
    return target + '\n' + name;
  }
  stitch::database& db_;
  std::unordered_map<std::string, std::int64_t> by_key_;
};

// The fields mapped to categorical targets (to `target` only, when given) of one source or of
// every source.
std::vector<Field> mapped_fields(stitch::database& db, const std::optional<source_ptr>& src,
                                 const std::string& target = {}) {
  std::vector<Field> out;
  auto all = src ? fields_of(db, **src) : db.all<Field>().order_by(col<&Field::id>).to_vector();
  for (auto& f : all)
    if (categorical(f) && (target.empty() || f.maps_to == target)) out.push_back(std::move(f));
  return out;
}

void classify_one(session& s, const std::optional<source_ptr>& src, const std::string& target,
                  const std::string& value, const std::string& category) {
  const auto* t = find_target(target);
  if (t == nullptr || !t->categorical)
    throw user_error("'" + target + "' is not a categorical target (" + target_names(true) + ")");
  if (category.empty()) throw user_error("the class is empty");
  const auto fields = mapped_fields(s.db, src, target);
  std::vector<std::int64_t> ids;
  for (const auto& f : fields) ids.push_back(f.id);
  auto values = s.db.all<UniqueValue>()
                    .where(col<&UniqueValue::field_id>.in(ids) && col<&UniqueValue::value> == value)
                    .to_vector();
  if (values.empty())
    throw user_error("no extracted value '" + value + "' of " + target +
                     (src ? " in " + describe(**src) : std::string()) +
                     (fields.empty() ? " (no field is mapped to it)" : ""));
  auto tx = s.db.transaction(stitch::intent::write);
  vocabulary words(s.db);
  const auto id = words.id_of(target, category);
  std::int64_t rows = 0;
  for (auto& v : values) {
    v.category_id = id;
    v.classified_by = std::string(by_hand);
    rows += v.count;
    s.db.save(v);
  }
  tx.commit();
  fmt::print(s.out, "'{}' is {} {} now, in {} field(s), {} rows\n", value, target, category,
             values.size(), rows);
}

void classify_rules(session& s, const std::optional<source_ptr>& src, const std::string& file) {
  const auto rules = rule_set::load(file);
  const auto fields = mapped_fields(s.db, src);
  if (fields.empty())
    throw user_error(std::string("no field") + (src ? " of " + describe(**src) : "") +
                     " is mapped to a categorical target; map and extract first");
  std::map<std::int64_t, const Field*> field_of;
  std::vector<std::int64_t> ids;
  for (const auto& f : fields) {
    field_of.emplace(f.id, &f);
    ids.push_back(f.id);
  }
  auto values = s.db.all<UniqueValue>()
                    .where(col<&UniqueValue::field_id>.in(ids))
                    .order_by(col<&UniqueValue::id>)
                    .to_vector();
  struct tally {
    std::size_t values = 0;
    std::size_t by_rules = 0;
    std::size_t kept = 0;  // classified by hand or by another rules file
    std::int64_t rows = 0;
    std::int64_t classified_rows = 0;
  };
  std::map<std::int64_t, tally> per_field;
  std::size_t changed = 0;
  auto tx = s.db.transaction(stitch::intent::write);
  vocabulary words(s.db);
  for (auto& v : values) {
    auto& t = per_field[v.field_id];
    ++t.values;
    t.rows += v.count;
    // A class given by hand is the user's word, and another rules file's classes are that
    // file's: these rules re-evaluate the values they classified and the unclassified ones.
    if (v.classified_by && !v.classified_by->starts_with(rules.origin() + ":")) {
      ++t.kept;
      t.classified_rows += v.count;
      continue;
    }
    const auto& target = *field_of.at(v.field_id)->maps_to;
    const rule* r = rules.match(target, v.value);
    std::optional<std::int64_t> category;
    std::optional<std::string> origin;
    if (r != nullptr) {
      category = words.id_of(target, r->category);
      origin = rules.where(*r);
      ++t.by_rules;
      t.classified_rows += v.count;
    }
    if (category != v.category_id || origin != v.classified_by) {
      v.category_id = category;
      v.classified_by = origin;
      s.db.save(v);
      ++changed;
    }
  }
  tx.commit();
  tally all;
  for (const auto& [id, t] : per_field) {
    all.values += t.values;
    all.by_rules += t.by_rules;
    all.kept += t.kept;
  }
  fmt::print(s.out,
             "{}: {} rules; {} of {} values classified by rules, {} kept (by hand or by another "
             "rules file), {} left; {} changed\n",
             std::filesystem::path(file).filename().string(), rules.rules().size(), all.by_rules,
             all.values, all.kept, all.values - all.by_rules - all.kept, changed);
  for (const auto& f : fields) {
    const auto at = per_field.find(f.id);
    if (at == per_field.end()) continue;
    const auto& t = at->second;
    fmt::print(s.out, "  {:<16} {:<24} {:>5} by rules {:>5} kept {:>5} left  {:5.1f}% of rows\n",
               *f.maps_to, cell(f.name, 24), t.by_rules, t.kept, t.values - t.by_rules - t.kept,
               t.rows == 0
                   ? 0.0
                   : 100.0 * static_cast<double>(t.classified_rows) / static_cast<double>(t.rows));
  }
}

// ----------------------------------------------------------------------------- comment

void comment(session& s, const std::string& ref, const std::string& field, const std::string& value,
             const std::string& body) {
  if (body.empty()) throw user_error("the comment is empty");
  auto src = find_source(s.db, ref);
  Comment c;
  c.body = body;
  std::string about = describe(*src);
  if (field.empty()) {
    if (!value.empty()) throw user_error("--value needs --field: a value belongs to a field");
    c.commentable.set(*src);
  } else {
    auto fields = fields_of(s.db, *src);
    Field& f = field_named(fields, *src, field);
    about = "field " + f.name + " of " + about;
    if (value.empty()) {
      c.commentable.set(f);
    } else {
      auto v = s.db.all<UniqueValue>()
                   .where(col<&UniqueValue::field_id> == f.id && col<&UniqueValue::value> == value)
                   .first();
      if (!v)
        throw user_error("field " + f.name + " of " + describe(*src) + " has no extracted value '" +
                         value + "' (extract it first)");
      about = "value '" + v->value + "' of " + about;
      c.commentable.set(*v);
    }
  }
  s.db.save(c);
  fmt::print(s.out, "comment {} on {}\n", c.id, about);
}

// ----------------------------------------------------------------------------- report

struct field_report {
  const Field* field;
  std::size_t values = 0;
  std::size_t classified = 0;
  std::int64_t rows = 0;
  std::int64_t classified_rows = 0;
  std::map<std::string, std::pair<std::size_t, std::int64_t>> classes;  // values, rows
  std::vector<const UniqueValue*> unclassified;                         // most frequent first
};

void report(session& s, const std::optional<std::string>& ref, std::size_t top) {
  // One statement per association level, whatever the number of sources.
  auto q = s.db.all<DataSource>()
               .order_by(col<&DataSource::id>)
               .includes(&DataSource::fields, &Field::comments)
               .includes(&DataSource::unique_values, &UniqueValue::comments)
               .includes(&DataSource::comments);
  if (ref) q.where(col<&DataSource::id> == find_source(s.db, *ref)->id);
  auto sources = q.to_vector();
  std::unordered_map<std::int64_t, std::string> class_names;
  for (const auto& c : s.db.all<Category>().to_vector()) class_names.emplace(c.id, c.name);

  json out = json::array();
  for (const auto& src : sources) {
    std::vector<field_report> reports;
    std::map<std::int64_t, std::size_t> report_of;
    std::vector<std::pair<std::string, std::string>> comments;  // about, body
    for (const auto& c : src->comments) comments.emplace_back("source", c.body);
    std::size_t mapped = 0;
    for (const auto& f : src->fields) {
      for (const auto& c : f.comments) comments.emplace_back("field " + f.name, c.body);
      if (!f.maps_to) continue;
      ++mapped;
      if (!categorical(f)) continue;
      report_of.emplace(f.id, reports.size());
      reports.emplace_back().field = &f;
    }
    for (const auto& v : src->unique_values) {
      for (const auto& c : v.comments) comments.emplace_back("value '" + v.value + "'", c.body);
      const auto at = report_of.find(v.field_id);
      if (at == report_of.end()) continue;
      auto& r = reports[at->second];
      ++r.values;
      r.rows += v.count;
      if (v.category_id) {
        ++r.classified;
        r.classified_rows += v.count;
        auto& [values, rows] = r.classes[class_names.at(*v.category_id)];
        ++values;
        rows += v.count;
      } else {
        r.unclassified.push_back(&v);
      }
    }
    for (auto& r : reports) {
      std::ranges::sort(r.unclassified, [](const UniqueValue* a, const UniqueValue* b) {
        return a->count != b->count ? a->count > b->count : a->value < b->value;
      });
    }

    if (s.json) {
      json fields = json::array();
      for (const auto& r : reports) {
        json classes = json::object();
        for (const auto& [name, vr] : r.classes)
          classes[name] = {{"values", vr.first}, {"rows", vr.second}};
        json left = json::array();
        for (std::size_t i = 0; i < std::min(top, r.unclassified.size()); ++i)
          left.push_back(
              {{"value", r.unclassified[i]->value}, {"count", r.unclassified[i]->count}});
        fields.push_back({{"field", r.field->name},
                          {"target", *r.field->maps_to},
                          {"values", r.values},
                          {"classified", r.classified},
                          {"unclassified", r.values - r.classified},
                          {"rows", r.rows},
                          {"classified_rows", r.classified_rows},
                          {"classes", std::move(classes)},
                          {"top_unclassified", std::move(left)}});
      }
      json mapping = json::object();
      for (const auto& f : src->fields)
        if (f.maps_to) mapping[f.name] = *f.maps_to;
      json notes = json::array();
      for (const auto& [about, body] : comments) notes.push_back({{"on", about}, {"body", body}});
      auto entry = source_json(*src);
      entry["mapped"] = std::move(mapping);
      entry["categorical"] = std::move(fields);
      entry["comments"] = std::move(notes);
      out.push_back(std::move(entry));
      continue;
    }

    fmt::print(s.out, "== {} {} ({}) ==\n", src->id, src->name, src->type_name());
    fmt::print(s.out, "{}\n", src->location());
    fmt::print(s.out, "{} rows; profiled {}, values extracted {}\n",
               src->row_count ? std::to_string(*src->row_count) : "?", text_of(src->profiled_at),
               text_of(src->extracted_at));
    fmt::print(s.out, "fields: {} of {} mapped", mapped, src->fields.size());
    std::string sep = ": ";
    for (const auto& f : src->fields) {
      if (!f.maps_to) continue;
      fmt::print(s.out, "{}{} -> {}", sep, f.name, *f.maps_to);
      sep = ", ";
    }
    fmt::print(s.out, "\n");
    for (const auto& r : reports) {
      const double share = r.rows == 0 ? 0.0
                                       : 100.0 * static_cast<double>(r.classified_rows) /
                                             static_cast<double>(r.rows);
      fmt::print(s.out,
                 "\n{} ({}): {} values, {} classified, {} left; {:.1f}% of {} rows classified\n",
                 *r.field->maps_to, r.field->name, r.values, r.classified, r.values - r.classified,
                 share, r.rows);
      if (r.values == 0) fmt::print(s.out, "  no values yet: run extract\n");
      for (const auto& [name, vr] : r.classes)
        fmt::print(s.out, "  {:<24} {:>5} values {:>9} rows\n", name, vr.first, vr.second);
      if (!r.unclassified.empty()) {
        fmt::print(s.out, "  most frequent unclassified:\n");
        for (std::size_t i = 0; i < std::min(top, r.unclassified.size()); ++i)
          fmt::print(s.out, "    {:>9}  {}\n", r.unclassified[i]->count,
                     cell(r.unclassified[i]->value, 60));
      }
    }
    if (!comments.empty()) {
      fmt::print(s.out, "\ncomments:\n");
      for (const auto& [about, body] : comments) fmt::print(s.out, "  on {}: {}\n", about, body);
    }
    fmt::print(s.out, "\n");
  }
  if (s.json) {
    s.out << out.dump(2) << '\n';
  } else if (sources.empty()) {
    fmt::print(s.out, "no sources yet: add one with add-csv or add-socrata\n");
  }
}

// ----------------------------------------------------------------------------- targets

void list_targets(session& s) {
  std::map<std::string, std::vector<std::string>> classes;
  for (const auto& c : s.db.all<Category>().order_by(col<&Category::name>).to_vector())
    classes[c.target].push_back(c.name);
  if (s.json) {
    json out = json::array();
    for (const auto& t : targets)
      out.push_back({{"name", t.name},
                     {"description", t.description},
                     {"categorical", t.categorical},
                     {"classes", classes[std::string(t.name)]}});
    s.out << out.dump(2) << '\n';
    return;
  }
  for (const auto& t : targets) {
    fmt::print(s.out, "{:<16} {}{}\n", t.name, t.description,
               t.categorical ? "" : " (not classified)");
    const auto& names = classes[std::string(t.name)];
    if (!names.empty()) {
      fmt::print(s.out, "{:<16}   classes: {}\n", "", fmt::join(names, ", "));
    }
  }
}

void remove(session& s, const std::string& ref) {
  auto src = find_source(s.db, ref);
  const std::string what = describe(*src);
  (void)s.db.destroy(*src);
  fmt::print(s.out, "removed {} with its fields, values and comments\n", what);
}

// ----------------------------------------------------------------------------- errors

int fail(std::ostream& err, int status, std::string_view message) {
  fmt::print(err, "{}: {}\n", program, message);
  return status;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        bool err_is_terminal) {
  CLI::App app{
      "Brings emergency-call data from CSV files and Socrata portals to one vocabulary: add "
      "sources, profile them, map their fields to the common schema, extract the values of "
      "the mapped fields, classify them, report.\n\nExit status: 0 success, 1 bad input (an "
      "argument, file, rules file, mapping, dataset id, or a request the portal refused), 2 "
      "the environment failed (database or network unreachable, server errors after retries).",
      std::string(program)};
  app.require_subcommand(1);
  app.fallthrough();  // --db and the Socrata options may come after the command too
  app.footer("Run stitch-classifier COMMAND --help for a command's options.");

  std::string db_locator = "classifier.sqlite3";
  bool as_json = false;
  double timeout_s = 60;
  int attempts = 5;
  int retry_wait_ms = 500;
  std::int64_t page_size = 10'000;
  app.add_option("--db", db_locator, "the database: an SQLite file, or a postgresql:// URI")
      ->envname("STITCH_CLASSIFIER_DB")
      ->capture_default_str();
  app.add_option("--timeout", timeout_s, "seconds a Socrata request may take")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--attempts", attempts, "tries per Socrata request (429 and 5xx are retried)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  app.add_option("--retry-wait", retry_wait_ms,
                 "milliseconds before the first retry; doubled after each")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();
  app.add_option("--page-size", page_size, "$limit of each page of Socrata values")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}))
      ->capture_default_str();

  std::function<void(session&)> action;

  add_csv_args csv_args;
  auto* add_csv_cmd = app.add_subcommand("add-csv", "register a CSV file as a data source");
  add_csv_cmd->add_option("path", csv_args.path, "the CSV file")->required();
  add_csv_cmd->add_option("--name", csv_args.name, "the source's name (default: the file's stem)");
  add_csv_cmd->add_option("--delimiter", csv_args.delimiter, "the field delimiter")
      ->capture_default_str();
  add_csv_cmd->add_option("--description", csv_args.description, "what the file holds");
  add_csv_cmd->add_flag("--skip-ragged", csv_args.skip_ragged,
                        "leave out rows with more or fewer fields than the header (by default "
                        "such a row is an error naming its line)");
  add_csv_cmd->callback([&] { action = [&](session& s) { add_csv(s, csv_args); }; });

  add_socrata_args soc_args;
  auto* add_soc_cmd =
      app.add_subcommand("add-socrata", "register a dataset of a Socrata portal as a data source");
  add_soc_cmd
      ->add_option("domain", soc_args.domain,
                   "the portal: data.sfgov.org, or a base URL such as http://host:port")
      ->required();
  add_soc_cmd->add_option("dataset", soc_args.dataset_id, "the dataset id, xxxx-xxxx")->required();
  add_soc_cmd->add_option("--name", soc_args.name, "the source's name (default: the dataset's)");
  add_soc_cmd->add_option("--app-token", soc_args.app_token, "a Socrata app token (X-App-Token)")
      ->envname("SOCRATA_APP_TOKEN");
  add_soc_cmd->callback([&] { action = [&](session& s) { add_socrata(s, soc_args); }; });

  auto* list_cmd = app.add_subcommand("list", "list the data sources");
  list_cmd->add_flag("--json", as_json, "print JSON");
  list_cmd->callback([&] { action = [&](session& s) { list(s); }; });

  std::string source_ref;
  auto* profile_cmd = app.add_subcommand(
      "profile", "count rows and, per column, present and distinct values, examples and type");
  profile_cmd->add_option("source", source_ref, "the source's id or name")->required();
  profile_cmd->add_flag("--json", as_json, "print JSON");
  profile_cmd->callback([&] { action = [&](session& s) { profile(s, source_ref); }; });

  std::vector<std::string> mappings;
  auto* map_cmd = app.add_subcommand(
      "map", "map fields of a source to the common schema (see the targets command)");
  map_cmd->add_option("source", source_ref, "the source's id or name")->required();
  map_cmd->add_option("mappings", mappings, "FIELD=TARGET, or FIELD= to unmap")->required();
  map_cmd->callback([&] { action = [&](session& s) { map(s, source_ref, mappings); }; });

  std::vector<std::string> only_fields;
  auto* extract_cmd = app.add_subcommand(
      "extract", "count the distinct values of the fields mapped to categorical targets");
  extract_cmd->add_option("source", source_ref, "the source's id or name")->required();
  extract_cmd->add_option("--field", only_fields, "these fields instead (repeatable)");
  extract_cmd->callback([&] { action = [&](session& s) { extract(s, source_ref, only_fields); }; });

  std::string rules_file;
  std::string classify_source;
  std::vector<std::string> one;
  auto* classify_cmd = app.add_subcommand(
      "classify",
      "give values a class: TARGET VALUE CLASS for one value, or --rules FILE for many");
  classify_cmd
      ->add_option("value", one, "TARGET VALUE CLASS, e.g. call_type \"Structure Fire\" fire")
      ->expected(3);
  auto* rules_opt = classify_cmd->add_option("--rules", rules_file,
                                             "a rules file: lines of TARGET MATCH PATTERN CLASS");
  classify_cmd->add_option("--source", classify_source, "only this source's values");
  classify_cmd->callback([&] {
    action = [&](session& s) {
      std::optional<source_ptr> src;
      if (!classify_source.empty()) src = find_source(s.db, classify_source);
      if (rules_opt->count() > 0) {
        if (!one.empty())
          throw user_error("classify takes --rules or TARGET VALUE CLASS, not both");
        classify_rules(s, src, rules_file);
      } else if (one.size() == 3) {
        classify_one(s, src, one[0], one[1], one[2]);
      } else {
        throw user_error("classify needs TARGET VALUE CLASS or --rules FILE");
      }
    };
  });

  std::string comment_field;
  std::string comment_value;
  std::string comment_body;
  auto* comment_cmd =
      app.add_subcommand("comment", "attach a comment to a source, one of its fields, or a value");
  comment_cmd->add_option("source", source_ref, "the source's id or name")->required();
  comment_cmd->add_option("text", comment_body, "the comment")->required();
  comment_cmd->add_option("--field", comment_field, "about this field of the source");
  comment_cmd->add_option("--value", comment_value, "about this value of the field");
  comment_cmd->callback([&] {
    action = [&](session& s) {
      comment(s, source_ref, comment_field, comment_value, comment_body);
    };
  });

  std::optional<std::string> report_source;
  std::size_t top = 10;
  auto* report_cmd = app.add_subcommand(
      "report", "per source: fields mapped, values classified and left, top unclassified values");
  report_cmd->add_option("source", report_source, "only this source (id or name)");
  report_cmd->add_option("--top", top, "unclassified values shown per field")
      ->capture_default_str();
  report_cmd->add_flag("--json", as_json, "print JSON");
  report_cmd->callback([&] { action = [&](session& s) { report(s, report_source, top); }; });

  auto* targets_cmd =
      app.add_subcommand("targets", "list the common schema's targets and their classes");
  targets_cmd->add_flag("--json", as_json, "print JSON");
  targets_cmd->callback([&] { action = [&](session& s) { list_targets(s); }; });

  auto* remove_cmd =
      app.add_subcommand("remove", "remove a source with its fields, values and comments");
  remove_cmd->add_option("source", source_ref, "the source's id or name")->required();
  remove_cmd->callback([&] { action = [&](session& s) { remove(s, source_ref); }; });

  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? success : user_failure;
  }

  try {
    session s{open_database(db_locator), out, err, err_is_terminal, as_json, {}};
    // At least a millisecond: libcurl reads 0 as no limit at all.
    s.socrata.timeout = std::chrono::milliseconds(
        std::max<std::int64_t>(1, static_cast<std::int64_t>(timeout_s * 1000)));
    s.socrata.connect_timeout = std::min(s.socrata.timeout, std::chrono::milliseconds(10'000));
    s.socrata.attempts = attempts;
    s.socrata.first_wait = std::chrono::milliseconds(retry_wait_ms);
    s.socrata.longest_wait = std::max(s.socrata.first_wait, std::chrono::milliseconds(8'000));
    s.socrata.page_size = page_size;
    create_schema(s.db);
    action(s);
    return success;
  } catch (const user_error& e) {
    return fail(err, user_failure, e.what());
  } catch (const csv_error& e) {
    return fail(err, user_failure, e.what());
  } catch (const rules_error& e) {
    return fail(err, user_failure, e.what());
  } catch (const socrata::error& e) {
    return fail(err, e.kind() == socrata::failure::request ? user_failure : environment_failure,
                e.what());
  } catch (const stitch::error& e) {
    return fail(err, environment_failure, e.what());
  } catch (const std::exception& e) {
    return fail(err, environment_failure, e.what());
  }
}

}  // namespace classifier
