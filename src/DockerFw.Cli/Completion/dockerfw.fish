# fish completion for dockerfw (dockerfw completion fish). The candidates come from dockerfw itself:
# `dockerfw __complete WORDS...` prints one a line (a tab before its description), then :DIRECTIVE.
function __dockerfw_answer
    set -l words (commandline -opc) (commandline -ct)
    set -e words[1]
    dockerfw __complete $words 2>/dev/null
end

function __dockerfw_complete
    __dockerfw_answer | string match -v -r '^:'
end

# File names only where dockerfw has no candidate and does not forbid them (directive 0).
function __dockerfw_wants_files
    test (__dockerfw_answer | string join '|') = ':0'
end

complete -c dockerfw -f -a '(__dockerfw_complete)'
complete -c dockerfw -n __dockerfw_wants_files -F
