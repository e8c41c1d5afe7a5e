# scan.awk: list the C-visible declarations of a widl-generated header.
#
# Input: one header written by widl (ours, or one of mingw-w64's, which are
# widl output too).  Output: one record per line, fields separated by a tab:
#
#   struct  TYPE                       typedef'd struct or union (incl. ...Vtbl)
#   member  TYPE  NAME  KIND  CTYPE    a member; KIND is "method" for a vtable
#                                      slot, "field" otherwise; CTYPE is the
#                                      member's type as a C type name
#   enum    TYPE                       typedef'd enum
#   const   NAME                       an enumerator
#   define  NAME                       a VSS_* object-like macro
#   guid    NAME                       a DEFINE_GUID
#   typedef NAME  CTYPE                any other typedef (pointer types etc.)
#   func    NAME  CTYPE                a function declaration or inline
#                                      wrapper; CTYPE is a pointer-to-function
#
# Whatever the C compiler cannot see (the C++ branches) is skipped.  Any
# construct this scanner does not understand stops it with an error, so a
# change in the generator cannot make declarations silently disappear.

function die(msg)
{
    printf "%s:%d: scan.awk: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    failed = 1
    exit 1
}

function untag(s,    t)
{
    for (t in invented)
        gsub(t, invented[t], s)
    return s
}

function trim(s)
{
    gsub(/[ \t]+/, " ", s)
    sub(/^ /, "", s)
    sub(/ $/, "", s)
    return s
}

# True while inside a branch only a C++ compiler sees.
function in_cxx(    i)
{
    for (i = 1; i <= depth; i++)
        if (branch[i] == 1)
            return 1
    return 0
}

# Last identifier of s; sets LAST_START to where it begins.
function last_ident(s)
{
    if (!match(s, /[A-Za-z_][A-Za-z0-9_]*[ ]*$/))
        return ""
    LAST_START = RSTART
    s = substr(s, RSTART)
    sub(/[ ]*$/, "", s)
    return s
}

function member_decl(decl,    name, ctype, p)
{
    decl = trim(decl)
    sub(/ ?;$/, "", decl)
    if (decl ~ /[{}\[:]/)
        die("unsupported member declaration: " decl)
    # A vtable slot: RET (CALLCONV *Name)(params)
    if (match(decl, /\([A-Za-z_ ]*\*[ ]*[A-Za-z_][A-Za-z0-9_]*\)/)) {
        p = substr(decl, RSTART, RLENGTH)
        name = p
        sub(/^\([A-Za-z_ ]*\*[ ]*/, "", name)
        sub(/\)$/, "", name)
        ctype = substr(decl, 1, RSTART - 1) substr(p, 1, length(p) - length(name) - 1) ")" \
                substr(decl, RSTART + RLENGTH)
        keep_member(name, "method", trim(ctype))
        return
    }
    if (decl ~ /[(),]/)
        die("unsupported member declaration: " decl)
    name = last_ident(decl)
    if (name == "")
        die("no member name in: " decl)
    ctype = trim(substr(decl, 1, LAST_START - 1))
    if (ctype == "")
        die("no member type in: " decl)
    keep_member(name, "field", ctype)
}

# Members are held until the closing line names the typedef.
function keep_member(name, kind, ctype)
{
    nmembers++
    mem_line[nmembers] = name "\t" kind "\t" ctype
}

function flush_members(type,    i)
{
    for (i = 1; i <= nmembers; i++)
        printf "member\t%s\t%s\n", type, untag(mem_line[i])
    nmembers = 0
}

function enum_line(l,    name)
{
    l = trim(l)
    if (l == "")
        return
    if (l !~ /^[A-Za-z_][A-Za-z0-9_]*( = [^,]+)?,?$/)
        die("unsupported enumerator: " l)
    name = l
    sub(/[ =,].*$/, "", name)
    printf "const\t%s\n", name
}

# "RET [CALLCONV] Name(params)" -> C type name of a pointer to it.
function func_decl(l,    open, head, params, name, ret, cc, n, i, tok, t)
{
    open = index(l, "(")
    head = trim(substr(l, 1, open - 1))
    params = substr(l, open)
    if (match(params, /\)[ ]*(;|\{).*$/))
        params = substr(params, 1, RSTART)
    else
        die("unsupported function declaration: " l)
    name = last_ident(head)
    if (name == "")
        die("no function name in: " l)
    head = substr(head, 1, LAST_START - 1)
    n = split(head, tok, /[ ]+/)
    ret = ""
    cc = ""
    for (i = 1; i <= n; i++) {
        t = tok[i]
        if (t == "" || t == "static" || t == "__inline" || t == "inline" || t == "extern")
            continue
        if (t in callconv)
            cc = cc " " t
        else
            ret = ret " " t
    }
    printf "func\t%s\t%s\n", name, untag(trim(trim(ret) " (" trim(cc " *") ")" params))
}

BEGIN {
    depth = 0
    block = ""
    split("STDAPICALLTYPE STDAPIVCALLTYPE APIENTRY WINAPI WINAPIV CALLBACK " \
          "STDMETHODCALLTYPE STDMETHODVCALLTYPE __stdcall __cdecl", cclist, " ")
    for (i in cclist)
        callconv[cclist[i]] = 1
}

{
    line = $0
    sub(/\r$/, "", line)
}

# Preprocessor conditionals: remember which branches only C++ sees (1) and
# which only C sees (2); 0 is anything else.
line ~ /^[ \t]*#[ \t]*if/ {
    depth++
    c = line
    sub(/^[ \t]*#[ \t]*/, "", c)
    if (c ~ /^ifdef[ \t]+__cplusplus[ \t]*$/ ||
        c ~ /^if[ \t]+defined[ \t]*\(?[ \t]*__cplusplus[ \t]*\)?[ \t]*($|&&)/)
        branch[depth] = 1
    else if (c ~ /^ifndef[ \t]+__cplusplus[ \t]*$/ ||
             c ~ /^if[ \t]+![ \t]*defined[ \t]*\(?[ \t]*__cplusplus[ \t]*\)?[ \t]*($|\|\|)/)
        branch[depth] = 2
    else
        branch[depth] = 0
    next
}
line ~ /^[ \t]*#[ \t]*elif/ {
    # After a C++-only branch, later branches may be visible to C.
    if (branch[depth] == 1)
        branch[depth] = 0
    else if (branch[depth] == 2)
        branch[depth] = 1
    next
}
line ~ /^[ \t]*#[ \t]*else/ {
    if (branch[depth] == 1)
        branch[depth] = 2
    else if (branch[depth] == 2)
        branch[depth] = 1
    next
}
line ~ /^[ \t]*#[ \t]*endif/ {
    if (depth == 0)
        die("unbalanced #endif")
    depth--
    next
}

in_cxx() { next }

# Inside a typedef'd struct, union or enum.
block != "" {
    l = line
    while (match(l, /\/\*([^*]|\*+[^*\/])*\*+\//))
        l = substr(l, 1, RSTART - 1) substr(l, RSTART + RLENGTH)
    if (match(l, /^\}[ ]*[A-Za-z_][A-Za-z0-9_]*[ ]*;[ ]*$/)) {
        block_name = l
        sub(/^\}[ ]*/, "", block_name)
        sub(/[ ]*;[ ]*$/, "", block_name)
        if (pending != "")
            die("unterminated member declaration: " pending)
        printf "%s\t%s\n", (block == "enum" ? "enum" : "struct"), block_name
        if (block != "enum" && nmembers == 0)
            die("empty " block " " block_name)
        # widl invents tags for anonymous types; refer to them by their
        # typedef name instead, since the invented name differs per header.
        if (block_tagged ~ /^__WIDL_/)
            invented[block " " block_tagged] = block_name
        block = ""
        flush_members(block_name)
        next
    }
    if (l ~ /^\}/)
        die("unsupported end of block: " l)
    if (block == "enum") {
        enum_line(l)
        next
    }
    if (trim(l) == "" || trim(l) == "BEGIN_INTERFACE" || trim(l) == "END_INTERFACE")
        next
    pending = pending " " l
    if (pending ~ /;[ \t]*$/) {
        member_decl(pending)
        pending = ""
    }
    next
}

line ~ /^typedef (struct|union|enum)( [A-Za-z_][A-Za-z0-9_]*)? \{[ ]*$/ {
    block = line
    sub(/^typedef /, "", block)
    sub(/ .*$/, "", block)
    block_tagged = line
    sub(/^typedef [a-z]+ ?/, "", block_tagged)
    sub(/ ?\{.*$/, "", block_tagged)
    pending = ""
    nmembers = 0
    next
}

line ~ /^typedef / {
    if (line ~ /^typedef interface /)
        next
    if (line ~ /[{}()\[]/ || line !~ /;[ ]*$/)
        die("unsupported typedef: " line)
    l = line
    sub(/^typedef /, "", l)
    sub(/[ ]*;[ ]*$/, "", l)
    name = last_ident(l)
    if (name == "")
        die("unsupported typedef: " line)
    printf "typedef\t%s\t%s\n", name, untag(trim(substr(l, 1, LAST_START - 1)))
    next
}

line ~ /^DEFINE_GUID\(/ {
    l = line
    sub(/^DEFINE_GUID\([ ]*/, "", l)
    sub(/[ ]*,.*$/, "", l)
    printf "guid\t%s\n", l
    next
}

line ~ /^#[ \t]*define[ \t]+VSS_[A-Za-z0-9_]+[ \t]/ {
    l = line
    sub(/^#[ \t]*define[ \t]+/, "", l)
    sub(/[ \t].*$/, "", l)
    printf "define\t%s\n", l
    next
}

# Function declarations and the SDK's inline wrappers start in column 0.
line ~ /^[A-Za-z_][A-Za-z0-9_ \t*]*[ \t*][A-Za-z_][A-Za-z0-9_]*\(.*\)[ \t]*(;|\{.*)$/ {
    if (line ~ /^(typedef|DEFINE_GUID|__CRT_UUID_DECL|MIDL_INTERFACE|interface|class|struct)[ (]/)
        next
    if (line ~ /__RPC_USER|FORCEINLINE|__WIDL_INLINE/)
        next
    func_decl(line)
    next
}

END {
    if (failed)
        exit 1
    if (block != "")
        die("unterminated block at end of file")
    if (depth != 0)
        die("unbalanced #if at end of file")
}
