// flexjob sets FLEXJOB_JOB in every task, and FLEXJOB_TASK_INDEX in each shard of a job with tasks > 1.
const job = process.env.FLEXJOB_JOB ?? "(not run by flexjob)";
const index = process.env.FLEXJOB_TASK_INDEX ?? "0";
console.log(`hello from ${job}, task ${index}: sending the digest`);
