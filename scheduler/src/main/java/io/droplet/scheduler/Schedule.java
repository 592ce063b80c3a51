package io.droplet.scheduler;

/**
 * Where each stage of one invocation runs: the DAG and the executor chosen for every stage. Built by
 * the {@link InvocationLauncher}, carried whole in every trigger so executors forward results without
 * asking the scheduler again.
 * <p>
 * <b>Note:</b> not thread-safe; a reused value on the scheduler's thread.
 */
public final class Schedule
{
    private final long[] executors = new long[SourceArgs.MAX_STAGES];
    private DagDefinition dag;

    /**
     * @param dag to place; every stage unplaced.
     * @return this.
     */
    Schedule reset(final DagDefinition dag)
    {
        this.dag = dag;
        java.util.Arrays.fill(executors, 0, dag.stageCount(), 0);
        return this;
    }

    void place(final int stage, final long executor)
    {
        executors[stage] = executor;
    }

    /**
     * @return the DAG scheduled.
     */
    public DagDefinition dag()
    {
        return dag;
    }

    /**
     * @return stages.
     */
    public int stageCount()
    {
        return dag.stageCount();
    }

    /**
     * @param stage index.
     * @return the executor it runs on.
     */
    public long executor(final int stage)
    {
        return executors[stage];
    }
}
