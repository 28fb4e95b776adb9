# bash completion for dockerfw (dockerfw completion bash). The candidates come from dockerfw itself:
# `dockerfw __complete WORDS...` prints one a line (a tab before its description), then :DIRECTIVE.
_dockerfw() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local out
    out=$(dockerfw __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
    local directive=0 line
    local -a candidates=()
    while IFS= read -r line; do
        if [[ $line == :* ]]; then directive=${line#:}; continue; fi
        candidates+=("${line%%$'\t'*}")
    done <<<"$out"
    COMPREPLY=()
    local candidate
    for candidate in "${candidates[@]}"; do
        [[ $candidate == "$cur"* ]] && COMPREPLY+=("$candidate")
    done
    # 4: an option name is being typed, so no file names; otherwise bash's default (files) follows.
    if [[ $directive == 4 ]]; then compopt +o default 2>/dev/null; fi
}
complete -o default -F _dockerfw dockerfw
