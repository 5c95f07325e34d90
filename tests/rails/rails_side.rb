# The Rails side of the interoperability tests: ActiveRecord 6.1 with the classifier's models
# as a Rails application declares them (../shared/bench/activerecord/models.rb).
#   ruby rails_side.rb write DB            creates the schema (with Rails' schema_migrations) and
#                                          writes the fixture objects
#   ruby rails_side.rb schema DB           creates the schema only
#   ruby rails_side.rb empty DB            drops the classifier's tables (PostgreSQL: creates the
#                                          URI's schema when missing)
#   ruby rails_side.rb append DB           adds objects of every model to a database someone else
#                                          filled; fails if an id is reused
#   ruby rails_side.rb retype DB ID TYPE   sets the type of data source ID (a class stitch lacks)
#   ruby rails_side.rb internal DB         prints Rails' own tables (ar_internal_metadata,
#                                          schema_migrations) as JSON
#   ruby rails_side.rb rows DB             prints every row of the classifier's tables as the
#                                          database returns it (timestamps as stored), as JSON
#   ruby rails_side.rb structure DB        prints the classifier's tables as ActiveRecord sees
#                                          them (columns with SQL type and NULL, index and
#                                          foreign-key names), as JSON
#   ruby rails_side.rb graph DB            prints the object graph as ActiveRecord reads it
#   ruby rails_side.rb imports-write DB    adds Rails' enum columns: an imports table (status and
#                                          priority enums) with rows of every declared value
#   ruby rails_side.rb imports DB          prints the imports as ActiveRecord reads them, as JSON
#   ruby rails_side.rb imports-archive DB ID
#                                          sets import ID to `archived`, a value the Rails enum
#                                          has and the C++ enum lacks
#   ruby rails_side.rb diff [--same-order] EXPECTED GOT
#                                          compares two graphs (JSON files), with --same-order
#                                          the order of every object's keys too; exit 1 if they differ
# DB is an SQLite path or a postgresql:// URI (options=-csearch_path%3DNAME picks a schema,
# created when missing). SHARED_DIR names the shared folder (default: ../shared beside the
# repository).
require 'json'
require 'uri'

shared = ENV['SHARED_DIR'] || File.expand_path('../../../shared', __dir__)
require File.join(shared, 'bench', 'activerecord', 'graph')

# Rails' enum columns: integers that the application reads as names.
class Import < ApplicationRecord
  belongs_to :data_source
  enum status: { queued: 0, running: 1, done: 2, failed: 3, archived: 4 }
  enum priority: { low: 0, high: 1 }, _prefix: true
end

module RailsSide
  # The classifier's tables, in the order Rails' migration creates them.
  TABLES = %w[data_sources fields unique_values comments].freeze

  # The schema a postgresql:// URI's options put first on the search path, if any.
  def self.search_path_schema(uri)
    query = URI(uri).query or return nil
    options = URI.decode_www_form(query).to_h['options'] or return nil
    options[/-csearch_path=([A-Za-z_][A-Za-z0-9_]*)/, 1]
  end

  def self.connect(db, readonly: false)
    unless db.start_with?('postgresql://', 'postgres://')
      Anchors.connect(db, readonly: readonly)
      return
    end
    ActiveRecord::Base.establish_connection(db)
    schema = search_path_schema(db)
    ActiveRecord::Base.connection.execute("CREATE SCHEMA IF NOT EXISTS #{schema}") if schema && !readonly
  end

  # Times with microseconds, as datetime(6) and timestamp(6) keep them.
  def self.at(text)
    Time.strptime("#{text} UTC", '%Y-%m-%d %H:%M:%S.%N %Z').utc
  end

  # After another program wrote rows with their own ids: Rails' next inserts must take new
  # ids (SQLite's sqlite_sequence, PostgreSQL's sequences moved past them).
  def self.append
    before = [DataSource, Field, UniqueValue, Comment].to_h { |m| [m, m.maximum(:id) || 0] }
    source = Socrata.create!(name: 'Added by Rails', domain: 'data.example.org', dataset_id: 'abcd-1234')
    field = source.fields.create!(name: 'added')
    value = field.unique_values.create!(value: 'added', count: 1)
    comment = field.comments.create!(body: 'added')
    [source, field, value, comment].each do |record|
      last = before[record.class.base_class]
      raise "#{record.class.name} got id #{record.id}, not above #{last}" unless record.id > last
    end
    puts "Rails added ids #{[source, field, value, comment].map(&:id).join(', ')}"
  end

  # The imports table a migration adds to the classifier's schema, and a row of each status
  # and priority (NULL included) on the fixture's data sources.
  def self.write_imports
    ActiveRecord::Schema.define do
      create_table :imports, force: true do |t|
        t.references :data_source, null: false, foreign_key: true
        t.string :name
        t.integer :status, null: false, default: 0
        t.integer :priority
        t.timestamps
      end
    end
    sources = DataSource.order(:id).limit(2).to_a
    Import.create!(data_source: sources[0], name: 'default status')
    Import.create!(data_source: sources[0], name: 'running, high', status: :running, priority: :high)
    Import.create!(data_source: sources[1], name: 'done, low', status: 'done', priority: 'low')
    Import.failed.create!(data_source: sources[1], name: 'failed, by scope')
    raise 'an enum was not stored as its integer' unless
      Import.where(status: 3).count == 1 && Import.where(priority: nil).count == 2
  end

  def self.drop_tables
    TABLES.reverse_each do |table|
      ActiveRecord::Base.connection.drop_table(table, if_exists: true, force: :cascade)
    end
  end

  def self.retype(id, type)
    changed = DataSource.where(id: id).update_all(type: type)
    abort "no data source #{id}" unless changed == 1
  end

  # Rails' own tables; schema_migrations must hold the versions create_schema wrote.
  def self.internal_tables
    connection = ActiveRecord::Base.connection
    tables = %w[ar_internal_metadata schema_migrations].to_h do |t|
      abort "no #{t} table" unless connection.table_exists?(t)
      [t, connection.select_rows("SELECT * FROM #{t} ORDER BY 1")]
    end
    versions = tables['schema_migrations'].map(&:first)
    abort "schema_migrations holds #{versions}, not #{MIGRATIONS}" unless versions == MIGRATIONS
    tables
  end

  # Every row of the classifier's tables as the database returns it, columns sorted by name.
  def self.rows
    connection = ActiveRecord::Base.connection
    TABLES.to_h do |table|
      columns = connection.columns(table).map(&:name).sort
      [table, connection.select_rows("SELECT #{columns.join(', ')} FROM #{table} ORDER BY id")
                        .map { |row| columns.zip(row).to_h }]
    end
  end

  # Each table's columns in order (name, SQL type, NULL allowed, default), index names and
  # foreign-key names (SQLite keeps a constraint's name only in the table's SQL, which
  # ActiveRecord's foreign_keys does not read).
  def self.structure
    connection = ActiveRecord::Base.connection
    TABLES.to_h do |table|
      keys = if connection.adapter_name == 'SQLite'
               sql = connection.select_value("SELECT sql FROM sqlite_master WHERE name = '#{table}'")
               sql.scan(/CONSTRAINT "([^"]+)"\s+FOREIGN KEY/).flatten
             else
               connection.foreign_keys(table).map(&:name)
             end
      [table, { 'columns' => connection.columns(table).map { |c| [c.name, c.sql_type, c.null, c.default] },
                'indexes' => connection.indexes(table).map(&:name).sort, 'foreign_keys' => keys.sort }]
    end
  end

  def self.imports
    Import.order(:id).map do |i|
      { 'id' => i.id, 'data_source_id' => i.data_source_id, 'name' => i.name, 'status' => i.status,
        'priority' => i.priority }
    end
  end

  # The classifier's schema as a Rails application's migrations leave it: its tables, and
  # Rails' own ar_internal_metadata and schema_migrations with the migrations' versions.
  MIGRATIONS = %w[20240301000001 20240301000002 20240315120000].freeze

  def self.create_schema
    Anchors.create_schema
    ActiveRecord::SchemaMigration.create_table
    MIGRATIONS.each { |version| ActiveRecord::SchemaMigration.create!(version: version) }
  end

  # What the tests read back: every class of the hierarchy, base-class rows with a NULL type and
  # with type = 'DataSource', polymorphic comments on hierarchy members and on a plain model,
  # has_many :through, NULLs, text outside ASCII, timestamps with microseconds.
  def self.write_fixture
    create_schema
    montgomery = CsvFile.create!(name: 'Montgomery County 911', description: 'Emergency calls',
                                 path: 'data/montgomery_911.csv', delimiter: ',', row_count: 42,
                                 created_at: at('2024-02-29 12:34:56.789012'),
                                 updated_at: at('2024-03-01 00:00:00.000001'))
    zurich = CsvFile.create!(name: 'Zürich Notrufe — 緊急 🚒', description: nil,
                             path: 'data/zürich.csv', delimiter: ';', row_count: nil)
    sf = Socrata.create!(name: 'San Francisco fire calls', domain: 'data.sfgov.org',
                         dataset_id: 'nuek-vuh3', app_token: nil,
                         created_at: at('1999-12-31 23:59:59.999999'),
                         updated_at: at('2000-01-01 00:00:00.000000'))
    untyped = DataSource.create!(name: 'Imported by hand', description: "line one\nline two")
    named = DataSource.create!(type: 'DataSource', name: 'Typed as the base class')
    raise 'a base-class row got a type' unless untyped.reload.type.nil?
    raise 'type DataSource was not kept' unless named.reload.type == 'DataSource'

    call_type = montgomery.fields.create!(name: 'call_type', data_type: 'text')
    township = montgomery.fields.create!(name: 'township', data_type: nil)
    unit = sf.fields.create!(name: 'unit ünït', data_type: 'text')
    untyped.fields.create!(name: 'empty field', data_type: 'number')
    call_type.unique_values.create!(value: 'FIRE', count: 10, classification: 'fire')
    call_type.unique_values.create!(value: 'EMS', count: 31, classification: nil)
    township.unique_values.create!(value: 'Lower Merion', count: nil, classification: nil)
    unit.unique_values.create!(value: 'E1 — 消防車', count: 3, classification: 'engine')
    unit.unique_values.create!(value: '', count: 0, classification: '')

    montgomery.comments.create!(body: 'Checked by hand', created_at: at('2024-02-29 12:34:56.000001'),
                                updated_at: at('2024-02-29 12:34:56.000002'))
    sf.comments.create!(body: nil)
    named.comments.create!(body: 'On a base-class row')
    township.comments.create!(body: 'Township names need cleaning ✓')
    zurich.comments.create!(body: 'Semicolons')
  end
end

# Each command on a database: the arguments after DB, whether it only reads, what it does.
COMMANDS = {
  'write' => [[], false, -> { RailsSide.write_fixture }],
  'schema' => [[], false, -> { RailsSide.create_schema }],
  'empty' => [[], false, -> { RailsSide.drop_tables }],
  'append' => [[], false, -> { RailsSide.append }],
  'retype' => [%w[ID TYPE], false, ->(id, type) { RailsSide.retype(Integer(id), type) }],
  'internal' => [[], true, -> { puts JSON.generate(RailsSide.internal_tables) }],
  'rows' => [[], true, -> { puts JSON.pretty_generate(RailsSide.rows) }],
  'structure' => [[], true, -> { puts JSON.pretty_generate(RailsSide.structure) }],
  'graph' => [[], true, -> { puts JSON.pretty_generate(JSON.parse(JSON.generate(Anchors.object_graph))) }],
  'imports-write' => [[], false, -> { RailsSide.write_imports }],
  'imports' => [[], true, -> { puts JSON.pretty_generate(RailsSide.imports) }],
  'imports-archive' => [%w[ID], false, ->(id) { Import.find(Integer(id)).archived! }]
}.freeze

command, *args = ARGV
params, readonly, action = COMMANDS[command]
if action
  abort "usage: ruby rails_side.rb #{command} #{(%w[DB] + params).join(' ')}" unless args.size == params.size + 1
  RailsSide.connect(args[0], readonly: readonly)
  action.call(*args.drop(1))
  exit
end

case command
when 'diff'
  ordered = args.delete('--same-order')
  abort 'usage: ruby rails_side.rb diff [--same-order] EXPECTED GOT' unless args.size == 2
  want, got = args.map { |path| JSON.parse(File.read(path)) }
  diffs = Anchors.diff(want, got)
  # Hashes keep their keys' order: the compact texts differ when only the order does.
  diffs << 'keys in another order' if ordered && diffs.empty? && JSON.generate(want) != JSON.generate(got)
  diffs.each { |d| warn d }
  warn diffs.empty? ? 'MATCH' : "#{diffs.size} difference(s)"
  exit(diffs.empty? ? 0 : 1)
else
  abort "usage: ruby rails_side.rb #{COMMANDS.map { |name, (extra)| ([name, 'DB'] + extra).join(' ') }.join(' | ')} | " \
        'diff [--same-order] EXPECTED GOT'
end
