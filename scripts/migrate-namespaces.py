#!/usr/bin/env python3
"""Moves engine modules whose names still live in `foresight` into `foresight::<module>`.

One-off tool for the namespace rule of docs/architecture.md ("foresight/<module>/x.h declares
foresight::<module>"). For each module named on the command line it:
  1. changes `namespace foresight {` to `namespace foresight::<module> {` in the module's own
     public and private files (engine/include/foresight/<module>, engine/src/<module>);
  2. collects the names those files declare at namespace scope (types, aliases, free functions,
     but not forward declarations) and qualifies every use of them elsewhere in engine/, app/,
     widgets/ and tests/ as `<module>::Name`, skipping strings, comments, member accesses and
     names already qualified; `foresight::Name` becomes `foresight::<module>::Name`;
  3. turns forward declarations of those names elsewhere into `namespace <module> { class X; }`.
It prints what it did; the compiler says what it missed.

    scripts/migrate-namespaces.py [--dry-run] MODULE...
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREES = ["engine", "app", "widgets", "tests"]
SOURCE = re.compile(r"\.(h|cpp)$")
# Names too generic to qualify blindly: members and locals elsewhere share them.
GENERIC = {"create", "open", "start", "stop", "run", "parse", "load", "save", "name", "value",
           "apply", "read", "write", "status", "reset", "close", "validate", "toJson", "fromJson",
           "fromFile", "size", "clear", "main", "operator"}


def module_table():
    """Each engine module's allowed modules (itself and everything below it), from modules.cmake."""
    text = open(os.path.join(ROOT, "engine/modules.cmake")).read()
    depends = {m: d.split() for m, d in re.findall(r"set\(FORESIGHT_MODULE_(\w+)_DEPENDS\s*([^)]*)\)", text)}
    closure = {}
    for module in depends:
        seen, queue = {module}, list(depends[module])
        while queue:
            dep = queue.pop()
            if dep not in seen:
                seen.add(dep)
                queue += depends.get(dep, [])
        closure[module] = seen
    return closure


def module_of(path):
    rel = os.path.relpath(path, ROOT)
    m = re.match(r"engine/(?:src|include/foresight)/(\w+)/", rel)
    return m.group(1) if m else None


def files_of(module):
    out = []
    for base in (f"engine/include/foresight/{module}", f"engine/src/{module}"):
        for d, _, names in os.walk(os.path.join(ROOT, base)):
            out += [os.path.join(d, n) for n in names if SOURCE.search(n)]
    return out


def all_files():
    out = []
    for tree in TREES:
        for d, _, names in os.walk(os.path.join(ROOT, tree)):
            if "/fixture" in d:
                continue
            out += [os.path.join(d, n) for n in names if SOURCE.search(n)]
    return out


def strip_code(text):
    """Returns (code, parts): the text split into code and non-code (strings, comments)."""
    token = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])\'', re.S)
    parts, last = [], 0
    for m in token.finditer(text):
        parts.append((True, text[last:m.start()]))
        parts.append((False, m.group(0)))
        last = m.end()
    parts.append((True, text[last:]))
    return parts


def declared_names(path):
    """Names declared at the top level of `namespace foresight {` in one file."""
    names = set()
    code = "".join(p if is_code else (" " * len(p) if "\n" not in p else "\n" * p.count("\n"))
                   for is_code, p in strip_code(open(path).read()))
    depth, inside = 0, None
    lines = code.split("\n")
    for line in lines:
        stripped = line.strip()
        if inside is None and re.match(r"namespace foresight\s*\{", stripped):
            inside = depth + 1
        if inside is not None and depth == inside:
            m = re.match(r"(?:class|struct|enum class|enum)\s+(\w+)(?:\s+final)?\s*(?::|\{|$)", stripped)
            if m:
                names.add(m.group(1))
            m = re.match(r"using\s+(\w+)\s*=", stripped)
            if m:
                names.add(m.group(1))
            m = re.match(r"(?:inline\s+|static\s+|constexpr\s+|\[\[nodiscard\]\]\s+)*"
                         r"[\w:<>,]+(?:<[^;{}]*>)?[\s&*]+(\w+)\(", stripped)
            if m and not stripped.startswith(("return", "class", "struct", "namespace", "using", ",", ":")):
                names.add(m.group(1))
            m = re.match(r"(?:inline\s+)?constexpr\s+[\w:<>]+\s+(\w+)\s*=", stripped)
            if m:
                names.add(m.group(1))
        depth += line.count("{") - line.count("}")
        if inside is not None and depth < inside:
            inside = None
    return {n for n in names if not n.startswith("m_")} - GENERIC


def rewrite_namespace(path, module):
    text = open(path).read()
    new = re.sub(r"^namespace foresight \{", f"namespace foresight::{module} {{", text, flags=re.M)
    new = re.sub(r"^\} // namespace foresight$", f"}} // namespace foresight::{module}", new, flags=re.M)
    # Using-declarations of the module's own names would now redeclare them in their namespace.
    new = re.sub(rf"^using {module}::\w+;\n", "", new, flags=re.M)
    # A block of the module's own namespace inside it would now be foresight::M::M.
    new = re.sub(rf"^namespace {module} \{{\n(.*?)^\}} // namespace {module}\n", r"\1", new, flags=re.M | re.S)
    if new != text:
        open(path, "w").write(new)
        return True
    return False


def qualify(path, module, names, full_names):
    text = open(path).read()
    # A file that brings a name in with `using foresight::Name;` (a test at global scope) uses it
    # bare; that using-declaration is what gets qualified.
    all_names = full_names
    names = names - set(re.findall(r"\busing\s+foresight::(\w+);", text))
    alternatives = "|".join(sorted(names, key=len, reverse=True)) or "(?!x)x"  # none: matches nothing
    all_alternatives = "|".join(sorted(all_names, key=len, reverse=True))
    enumerator = re.compile(r"^\s*(?:" + alternatives + r")\s*(?:=[^,]*)?,?\s*$")
    case = re.compile(r"\bcase\s+(?:" + alternatives + r")\s*:")
    bare = re.compile(r"(?<![\w:.>#])(?<!-> )(?<!\. )(?<!class )(?<!struct )(?<!enum )\b(" + alternatives
                      + r")\b(?!\s*\.h\b)")
    full = re.compile(r"\bforesight::(" + all_alternatives + r")\b")
    forward = re.compile(r"^(\s*)(class|struct) (" + alternatives + r");\s*$", re.M)
    out = []
    for is_code, part in strip_code(text):
        if not is_code:
            out.append(part)
            continue
        part = forward.sub(lambda m: f"{m.group(1)}namespace {module} {{ {m.group(2)} {m.group(3)}; }}", part)
        part = full.sub(lambda m: f"foresight::{module}::{m.group(1)}", part)
        lines = []
        for line in part.split("\n"):
            # Enumerators that share a type's name (EventsModel::Agent) are declared and used
            # bare; the compiler names any other use that needed no qualification.
            if (line.lstrip().startswith(("#include", "#pragma")) or f"namespace {module} {{" in line
                    or enumerator.match(line) or case.search(line)):
                lines.append(line)
                continue
            lines.append(bare.sub(lambda m: f"{module}::{m.group(1)}", line))
        out.append("\n".join(lines))
    new = "".join(out)
    if new != text:
        open(path, "w").write(new)
        return True
    return False


def group_of(path):
    """The files whose declarations a file sees as its own: itself and its header or source."""
    stem = os.path.splitext(path)[0]
    return [p for p in (stem + ".h", stem + ".cpp") if os.path.exists(p)]


_declared_cache = {}


def declared_anywhere(paths):
    key = tuple(sorted(paths))
    if key not in _declared_cache:
        names = set()
        for path in paths:
            code = "".join(p for is_code, p in strip_code(open(path).read()) if is_code)
            names |= set(re.findall(r"\b(?:class|struct|enum class|enum)\s+(\w+)\s*(?:final\s*)?[:{\n]", code))
            names |= set(re.findall(r"\busing\s+(\w+)\s*=", code))
            # Enumerators (a model's Column::Agent) and member functions (a test's isZ85Key slot)
            # that share a moved name are this file's own.
            for body in re.findall(r"\benum\b[^{;]*\{([^}]*)\}", code):
                names |= set(re.findall(r"(?:^|,)\s*(\w+)", body))
            names |= set(re.findall(r"^\s*(?:virtual\s+)?(?:void|bool|int|auto)\s+(\w+)\s*\(", code, re.M))
        _declared_cache[key] = names
    return _declared_cache[key]


TABLE = module_table()
# Text a move must change by hand in a module's own files (none at present: forward declarations
# of other modules' names are includes instead, since they would declare new, incomplete names
# inside the module's namespace once it moves).
FIXUPS = {}


def main(argv):
    dry = "--dry-run" in argv
    modules = [a for a in argv if not a.startswith("--")]
    for module in modules:
        own = set(files_of(module))
        names = set()
        for path in own:
            names |= declared_names(path)
        print(f"{module}: {len(own)} files, names: {' '.join(sorted(names))}")
        if dry or not names:
            continue
        for path in own:
            rewrite_namespace(path, module)
        for path, old, new in FIXUPS.get(module, []):
            full_path = os.path.join(ROOT, path)
            text = open(full_path).read()
            if old in text:
                open(full_path, "w").write(text.replace(old, new))
        # Only modules that may use this one can mean its names; elsewhere a match is another
        # thing of the same name (protocol's MessageType::Heartbeat is not monitor's Heartbeat).
        users = [p for p in all_files() if p not in own
                 and (module_of(p) is None or module in TABLE.get(module_of(p), set()))]
        changed = []
        for path in users:
            # A user that declares a type of the same name (a nested struct Incident) means its own.
            own_names = declared_anywhere(group_of(path))
            if qualify(path, module, names - own_names, names):
                changed.append(path)
        print(f"  qualified in {len(changed)} files")


if __name__ == "__main__":
    main(sys.argv[1:])
