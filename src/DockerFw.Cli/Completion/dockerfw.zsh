#compdef dockerfw
# zsh completion for dockerfw (dockerfw completion zsh). The candidates come from dockerfw itself:
# `dockerfw __complete WORDS...` prints one a line (a tab before its description), then :DIRECTIVE.
_dockerfw() {
    local -a lines candidates
    local line directive=0 name description
    lines=("${(@f)$(dockerfw __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    for line in "${lines[@]}"; do
        if [[ $line == :* ]]; then directive=${line#:}; continue; fi
        [[ -z $line ]] && continue
        name=${line%%$'\t'*}
        if [[ $line == *$'\t'* ]]; then description=${line#*$'\t'}; else description=""; fi
        candidates+=("${name//:/\\:}${description:+:$description}")
    done
    if (( ${#candidates} )); then
        _describe -t dockerfw 'dockerfw' candidates
    elif [[ $directive != 4 ]]; then
        _files
    fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _dockerfw "$@"
else
    compdef _dockerfw dockerfw
fi
